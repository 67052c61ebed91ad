package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.WebhookDeliveryRepository;
import dev.switchboard.ports.out.WebhookEndpointRepository;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresWebhookRepositoriesContractTest extends WebhookRepositoriesContract {
    @RegisterExtension
    static final CrmStoreFixture crm = new CrmStoreFixture();

    @Override
    WebhookEndpointRepository endpoints() {
        return crm.store().webhookEndpoints();
    }

    @Override
    WebhookDeliveryRepository deliveries() {
        return crm.store().webhookDeliveries();
    }
}
