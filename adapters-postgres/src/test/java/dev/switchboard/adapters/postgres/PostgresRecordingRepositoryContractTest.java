package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.RecordingRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresRecordingRepositoryContractTest extends RecordingRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    RecordingRepository recordings() {
        return crm.store().recordings();
    }
}
