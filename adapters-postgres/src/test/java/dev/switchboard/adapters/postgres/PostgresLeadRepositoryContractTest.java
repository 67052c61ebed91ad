package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.LeadRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresLeadRepositoryContractTest extends LeadRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    LeadRepository leads() {
        return crm.store().leads();
    }
}
