package dev.switchboard.roles.worker;

import dev.switchboard.roles.common.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker's integration settings as an operator writes them: Gmail (off without a client, Google's
 * endpoints by default, secrets never shown) and the broadcast pace.
 */
class WorkerIntegrationsTest {

    @Test
    void withoutAnOAuthClientGmailSyncIsOff() {
        WorkerIntegrations none = WorkerIntegrations.fromEnvironment(Map.of());
        assertEquals(Optional.empty(), none.gmail());
        assertTrue(none.describe().contains("Gmail: off"), none.describe());
    }

    @Test
    void aClientUsesGooglesEndpointsUnlessToldOtherwiseAndNeverShowsItsSecret() {
        WorkerIntegrations google = WorkerIntegrations.fromEnvironment(Map.of("GMAIL_CLIENT_ID", "c.apps.googleusercontent.com",
                "GMAIL_CLIENT_SECRET", "very-secret"));
        assertEquals(URI.create("https://gmail.googleapis.com"), google.gmail().orElseThrow().apiBase());
        assertEquals(URI.create("https://oauth2.googleapis.com/token"), google.gmail().orElseThrow().tokenUri());
        assertEquals(Duration.ofSeconds(20), google.gmail().orElseThrow().timeout());
        assertFalse(google.toString().contains("very-secret"), google.toString());

        WorkerIntegrations local = WorkerIntegrations.fromEnvironment(Map.of("GMAIL_CLIENT_ID", "c", "GMAIL_CLIENT_SECRET", "s",
                "GMAIL_API_URL", "http://127.0.0.1:8091", "GMAIL_TOKEN_URL", "http://127.0.0.1:8091/token",
                "GMAIL_TIMEOUT", "5s"));
        assertEquals(URI.create("http://127.0.0.1:8091/token"), local.gmail().orElseThrow().tokenUri());
        assertEquals(Duration.ofSeconds(5), local.gmail().orElseThrow().timeout());
    }

    @Test
    void halfAClientOrABadUrlStopsTheStartSayingWhat() {
        assertTrue(assertThrows(ConfigException.class, () -> WorkerIntegrations.fromEnvironment(
                Map.of("GMAIL_CLIENT_ID", "c"))).getMessage().contains("GMAIL_CLIENT_SECRET"));
        assertTrue(assertThrows(ConfigException.class, () -> WorkerIntegrations.fromEnvironment(
                Map.of("GMAIL_CLIENT_ID", "c", "GMAIL_CLIENT_SECRET", "s", "GMAIL_API_URL", "gmail"))).getMessage()
                .contains("GMAIL_API_URL"));
    }

    @Test
    void broadcastsGoAtOneMessageASecondUnlessToldOtherwise() {
        assertEquals(1.0, WorkerIntegrations.fromEnvironment(Map.of()).broadcastRate());
        assertEquals(0.5, WorkerIntegrations.fromEnvironment(Map.of("BROADCAST_RATE", "0.5")).broadcastRate());
        assertEquals(20.0, WorkerIntegrations.fromEnvironment(Map.of("BROADCAST_RATE", " 20 ")).broadcastRate());
        assertTrue(WorkerIntegrations.fromEnvironment(Map.of("BROADCAST_RATE", "2")).describe()
                .contains("broadcasts at 2.0 message(s)/s per business"));
    }

    @Test
    void aBroadcastRateThatCannotBeKeptStopsTheStartNamingTheVariable() {
        for (String bad : new String[] {"0", "-1", "fast", "1001", "NaN", "Infinity"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> WorkerIntegrations.fromEnvironment(Map.of("BROADCAST_RATE", bad)), bad);
            assertTrue(e.getMessage().contains("BROADCAST_RATE"), e.getMessage());
        }
    }
}
