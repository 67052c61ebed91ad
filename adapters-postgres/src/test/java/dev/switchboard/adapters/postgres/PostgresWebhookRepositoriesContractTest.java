package dev.switchboard.adapters.postgres;

import dev.switchboard.ports.out.StoreRefusedValueException;
import dev.switchboard.ports.out.WebhookDeliveryRepository;
import dev.switchboard.ports.out.WebhookEndpointRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * A value PostgreSQL refuses (a CHECK, text it cannot hold) is the input's fault, not a bug: a
     * {@link StoreRefusedValueException} that the api answers with a 400. And the driver's message
     * carries no DETAIL: PostgreSQL's "Failing row contains (...)" would quote the secret.
     */
    @Test
    void aValuePostgresRefusesIsTheInputsFaultAndItsMessageQuotesNoRow() {
        String secret = "whsec_" + UUID.randomUUID();
        String business = "biz-" + UUID.randomUUID();
        StoreRefusedValueException check = assertThrows(StoreRefusedValueException.class, () -> endpoints().create(
                business, URI.create("HTTPS://hooks.example.com/upper"), Set.of("lead.created"), secret));
        assertEquals("a value breaks a rule of the CRM store (SQLSTATE 23514)", check.reason());
        assertFalse(check.getMessage().contains(secret), check.getMessage());
        assertFalse(check.getMessage().contains("Failing row"), check.getMessage());

        StoreRefusedValueException nul = assertThrows(StoreRefusedValueException.class, () -> endpoints().create(
                business, URI.create("https://hooks.example.com/nul"), Set.of("lead.created"), secret + "\u0000"));
        assertTrue(nul.reason().contains("NUL"), nul.reason());
        assertTrue(endpoints().list(business).isEmpty(), "nothing written");
    }
}
