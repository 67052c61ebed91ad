package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.BusinessRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresBusinessRepositoryContractTest extends BusinessRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    BusinessRepository businesses() {
        return crm.store().businesses();
    }

    @Override
    dev.switchboard.ports.out.CallLogRepository callLogs() {
        return crm.store().callLogs();
    }
}
