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
    /**
     * The limit's lock of the business row must not wait for the {@code FOR KEY SHARE} lock that
     * every insert of a row referencing the business holds until it commits (a broadcast's
     * thousands of rows, a lead): a webhook create would otherwise queue behind them.
     */
    @Test
    void aLimitCheckDoesNotWaitForATransactionThatAddsRowsOfTheBusiness() throws Exception {
        String business = "biz-" + UUID.randomUUID();
        URI url = URI.create("https://hooks.example.com/first");
        endpoints().create(business, url, Set.of("lead.created"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        // The pool is closed last: a create stuck behind the lock must see it released first.
        try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
             java.sql.Connection other = crm.connect()) {
            other.setAutoCommit(false);
            try (java.sql.PreparedStatement keyShare = other.prepareStatement(
                    "SELECT 1 FROM businesses WHERE id = ? FOR KEY SHARE")) {
                keyShare.setString(1, business);
                keyShare.executeQuery().close();
            }
            var created = pool.submit(() -> endpoints().create(business, URI.create("https://hooks.example.com/second"),
                    Set.of("lead.created"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
            try {
                assertEquals(business, created.get(5, java.util.concurrent.TimeUnit.SECONDS).businessId(),
                        "created while the other transaction still holds its key-share lock");
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("the create waited for another transaction's key-share lock", e);
            } finally {
                other.rollback();
            }
        }
        assertEquals(2, endpoints().list(business).size());
    }
}
