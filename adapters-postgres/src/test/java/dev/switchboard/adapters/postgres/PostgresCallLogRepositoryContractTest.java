package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.CallLogRepository;
import dev.switchboard.ports.out.LeadRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresCallLogRepositoryContractTest extends CallLogRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    CallLogRepository calls() {
        return crm.store().callLogs();
    }

    @Override
    LeadRepository leads() {
        return crm.store().leads();
    }
}
