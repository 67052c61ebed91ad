package dev.switchboard.adapters.postgres;

import dev.switchboard.testsupport.PostgresFixture;
import java.time.Instant;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A migrated {@link PostgresStore} on a test class's own database, with a ticking clock. Tests
 * isolate themselves by business id (a fresh one per test), which also exercises tenant scoping.
 */
final class CrmStoreFixture implements BeforeAllCallback, AfterAllCallback {
    private final PostgresFixture postgres = new PostgresFixture();
    private PostgresStore store;

    @Override
    public void beforeAll(ExtensionContext context) {
        postgres.beforeAll(context);
        store = PostgresStore.start(DatabaseUrl.parse(postgres.databaseUrl()), 8,
                new TickingClock(Instant.parse("2026-11-30T10:00:00Z")));
    }

    PostgresStore store() {
        return store;
    }

    /** A connection of its own to the store's database, for a test that holds a lock beside the store. */
    java.sql.Connection connect() throws java.sql.SQLException {
        return postgres.connect();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (store != null) {
            store.close();
        }
        postgres.afterAll(context);
    }
}
