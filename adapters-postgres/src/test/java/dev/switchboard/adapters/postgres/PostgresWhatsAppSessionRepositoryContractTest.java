package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.WhatsAppSessionRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresWhatsAppSessionRepositoryContractTest extends WhatsAppSessionRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    WhatsAppSessionRepository sessions() {
        return crm.store().whatsAppSessions();
    }

    @Override
    LeadRepository leads() {
        return crm.store().leads();
    }
}
