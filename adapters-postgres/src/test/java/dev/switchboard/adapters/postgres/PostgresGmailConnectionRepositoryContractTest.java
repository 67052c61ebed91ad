package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.GmailConnectionRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresGmailConnectionRepositoryContractTest extends GmailConnectionRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    GmailConnectionRepository connections() {
        return crm.store().gmailConnections();
    }
}
