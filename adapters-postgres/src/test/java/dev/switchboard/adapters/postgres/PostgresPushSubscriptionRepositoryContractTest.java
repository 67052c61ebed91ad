package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.PushSubscriptionRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresPushSubscriptionRepositoryContractTest extends PushSubscriptionRepositoryContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    PushSubscriptionRepository subscriptions() {
        return crm.store().pushSubscriptions();
    }
}
