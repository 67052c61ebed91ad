package dev.switchboard.roles.api;

import dev.switchboard.roles.common.ConfigException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TwilioSettingsTest {

    private static void assertProblem(Map<String, String> env, String... parts) {
        ConfigException e = assertThrows(ConfigException.class, () -> TwilioSettings.fromEnvironment(env));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    @Test
    void nothingSetMeansNoPublicUrlAndNoNumbers() {
        TwilioSettings settings = TwilioSettings.fromEnvironment(Map.of());
        assertEquals(Optional.empty(), settings.publicBaseUrl());
        assertEquals(Optional.empty(), settings.callsPublicUrl());
        assertEquals(Map.of(), settings.numbers());
    }

    @Test
    void callsUrlHasNoDefaultOnTheApisHost() {
        TwilioSettings settings = TwilioSettings.fromEnvironment(Map.of("PUBLIC_BASE_URL", "https://api.example.com:8443/sb/"));
        assertEquals(Optional.of(URI.create("https://api.example.com:8443/sb")), settings.publicBaseUrl());
        assertEquals(Optional.empty(), settings.callsPublicUrl());
    }

    @Test
    void twilioConfiguredWithoutACallsUrlRefusesToStart() {
        assertProblem(Map.of("TWILIO_AUTH_TOKEN", "x".repeat(32), "PUBLIC_BASE_URL", "https://api.example.com"),
                "CALLS_PUBLIC_URL is required when Twilio is configured", "/ws/twilio/media");
    }

    @Test
    void callsUrlNamingTheMediaPathItselfIsRefused() {
        assertProblem(Map.of("CALLS_PUBLIC_URL", "wss://calls.example.com/ws/twilio/media"),
                "without /ws/twilio/media");
    }

    @Test
    void anExplicitCallsUrlWins() {
        TwilioSettings settings = TwilioSettings.fromEnvironment(Map.of("PUBLIC_BASE_URL", "https://api.example.com",
                "CALLS_PUBLIC_URL", "wss://calls.example.com/"));
        assertEquals(Optional.of(URI.create("wss://calls.example.com")), settings.callsPublicUrl());
    }

    @Test
    void readsTheNumberTable() {
        TwilioSettings settings = TwilioSettings.fromEnvironment(
                Map.of("TWILIO_NUMBERS", " +5511999990000:biz-1 , +15550001111:biz_2,"));
        assertEquals(Map.of("+5511999990000", "biz-1", "+15550001111", "biz_2"), settings.numbers());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertProblem(Map.of("PUBLIC_BASE_URL", "api.example.com", "CALLS_PUBLIC_URL", "https://calls.example.com",
                        "TWILIO_NUMBERS", "5511999990000:biz-1,+15550001111:,+15550002222:a,+15550002222:b"),
                "PUBLIC_BASE_URL must be an absolute http(s) URL", "CALLS_PUBLIC_URL must be an absolute wss:// URL",
                "'5511999990000:biz-1'", "'+15550001111:'", "names +15550002222 twice");
    }

    @Test
    void aPublicUrlWithQueryOrUserInfoIsRefused() {
        assertProblem(Map.of("PUBLIC_BASE_URL", "https://api.example.com/?a=1"), "PUBLIC_BASE_URL");
        assertProblem(Map.of("PUBLIC_BASE_URL", "https://user:pw@api.example.com"), "PUBLIC_BASE_URL");
        assertProblem(Map.of("CALLS_PUBLIC_URL", "wss://calls.example.com/#x"), "CALLS_PUBLIC_URL");
    }
}
