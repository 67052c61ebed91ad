package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.LeadRepository;
import dev.switchboard.ports.out.OutboundCallRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresOutboundCallRepositoryContractTest extends OutboundCallRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    OutboundCallRepository calls() {
        return crm.store().outboundCalls();
    }

    @Override
    LeadRepository leads() {
        return crm.store().leads();
    }
}
