package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.BroadcastRepository;
import dev.switchboard.ports.out.LeadRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresBroadcastRepositoryContractTest extends BroadcastRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    BroadcastRepository broadcasts() {
        return crm.store().broadcasts();
    }

    @Override
    LeadRepository leads() {
        return crm.store().leads();
    }
}
