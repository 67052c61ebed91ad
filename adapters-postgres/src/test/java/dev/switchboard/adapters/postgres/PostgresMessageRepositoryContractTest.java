package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.MessageRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresMessageRepositoryContractTest extends MessageRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    MessageRepository messages() {
        return crm.store().messages();
    }

    @Override
    LeadRepository leads() {
        return crm.store().leads();
    }
}
