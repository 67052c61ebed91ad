package dev.switchboard.roles.common;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NotificationSettingsTest {

    @Test
    void defaultsAreStrictAndKeysAreKept() {
        NotificationSettings s = NotificationSettings.fromEnvironment(Map.of());
        assertFalse(s.allowPrivateDestinations());
        assertFalse(s.allowPlainHttp());
        assertEquals(Optional.empty(), s.vapidPublicKey());
        assertEquals(Duration.ofDays(30), s.reminderRetention());
        assertEquals(Duration.ofSeconds(20), s.webhookTimeout());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = assertThrows(ConfigException.class, () -> NotificationSettings.fromEnvironment(Map.of(
                "OUTBOUND_ALLOW_PRIVATE", "yes", "VAPID_PUBLIC_KEY", "BAAA", "VAPID_SUBJECT", "ops@example.com",
                "REMINDER_RETENTION", "a month")));
        for (String name : new String[] {"OUTBOUND_ALLOW_PRIVATE", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT", "REMINDER_RETENTION"}) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void developmentFlagsRetentionInDaysAndNoSecretInToString() {
        NotificationSettings s = NotificationSettings.fromEnvironment(Map.of("OUTBOUND_ALLOW_PRIVATE", "true",
                "OUTBOUND_ALLOW_HTTP", "TRUE", "REMINDER_RETENTION", "7d", "VAPID_PUBLIC_KEY", "pub",
                "VAPID_PRIVATE_KEY", "very-secret"));
        assertTrue(s.allowPrivateDestinations() && s.allowPlainHttp());
        assertEquals(Duration.ofDays(7), s.reminderRetention());
        assertFalse(s.toString().contains("very-secret"));
    }
}
