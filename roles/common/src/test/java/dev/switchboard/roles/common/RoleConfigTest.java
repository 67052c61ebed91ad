package dev.switchboard.roles.common;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator's mistakes in secrets and ids end in one message that says what to do. */
class RoleConfigTest {
    private static final String GOOD = "0123456789abcdef0123456789abcdef";

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("SERVICE_ROLE", "api", "REDIS_URL", "redis://127.0.0.1:6379"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void everySecretShorterThan32CharactersIsRefusedWithHowToGenerateOne() {
        for (String name : new String[] {"INTERNAL_WEBHOOK_SECRET", "TWILIO_AUTH_TOKEN", "ADMIN_TOKEN", "JOB_ID_SECRET"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> RoleConfig.fromEnvironment(env(name, GOOD.substring(1))), name);
            assertTrue(e.getMessage().contains(name + " is shorter than 32 characters"), e.getMessage());
            assertTrue(e.getMessage().contains("openssl rand -hex 32"), e.getMessage());
        }
        ConfigException admin = assertThrows(ConfigException.class, () -> RoleConfig.fromEnvironment(env("ADMIN_TOKEN", "admin")));
        assertTrue(admin.getMessage().contains("ADMIN_TOKEN"), admin.getMessage());
    }

    @Test
    void aBusinessTokenShorterThan32CharactersIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RoleConfig.fromEnvironment(env("API_TOKENS", "biz-1:" + "t".repeat(31))));
        assertTrue(e.getMessage().contains("token of business 'biz-1' is shorter than 32"), e.getMessage());
        assertTrue(e.getMessage().contains("openssl rand -hex 32"), e.getMessage());
    }

    @Test
    void reservedBusinessIdsAreRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RoleConfig.fromEnvironment(env("API_TOKENS", "_system:" + GOOD)));
        assertTrue(e.getMessage().contains("'_system' is reserved"), e.getMessage());
    }

    @Test
    void replicaWaitDefaultsToThePrimaryAloneAndIsBounded() {
        RoleConfig.RedisWait none = RoleConfig.fromEnvironment(env()).redisWait();
        assertEquals(0, none.replicas());
        assertEquals(Duration.ofSeconds(1), none.timeout());
        RoleConfig.RedisWait one = RoleConfig.fromEnvironment(env("REDIS_WAIT_REPLICAS", "1", "REDIS_WAIT_TIMEOUT", "250ms"))
                .redisWait();
        assertEquals(new RoleConfig.RedisWait(1, Duration.ofMillis(250)), one);
        ConfigException tooLong = assertThrows(ConfigException.class,
                () -> RoleConfig.fromEnvironment(env("REDIS_WAIT_REPLICAS", "1", "REDIS_WAIT_TIMEOUT", "5s")));
        assertTrue(tooLong.getMessage().contains("REDIS_WAIT_TIMEOUT must be at most 4s"), tooLong.getMessage());
        ConfigException negative = assertThrows(ConfigException.class,
                () -> RoleConfig.fromEnvironment(env("REDIS_WAIT_REPLICAS", "-1")));
        assertTrue(negative.getMessage().contains("REDIS_WAIT_REPLICAS"), negative.getMessage());
    }

    @Test
    void secretsOf32CharactersStartAndAreNeverPrinted() {
        RoleConfig config = RoleConfig.fromEnvironment(env("ADMIN_TOKEN", GOOD, "JOB_ID_SECRET", GOOD + "x",
                "INTERNAL_WEBHOOK_SECRET", GOOD + "y", "API_TOKENS", "biz-1:" + GOOD + "z"));
        assertEquals(GOOD + "x", config.jobIdSecret().orElseThrow());
        assertTrue(!config.toString().contains(GOOD), config.toString());
    }

    @Test
    void httpLimitsHaveSafeDefaultsAndCanBeSet() {
        RoleConfig defaults = RoleConfig.fromEnvironment(env());
        assertEquals(new RoleConfig.HttpLimits(10_000, 1_000, Duration.ofSeconds(60), Duration.ofSeconds(10), 16 * 1024),
                defaults.http());
        assertEquals(new RoleConfig.RateLimit(50, 1_000), defaults.businessRate());
        RoleConfig set = RoleConfig.fromEnvironment(env("HTTP_MAX_CONNECTIONS", "100", "HTTP_REQUEST_TIMEOUT", "2s",
                "BUSINESS_RATE_LIMIT", "0"));
        assertEquals(100, set.http().maxConnections());
        assertEquals(Duration.ofSeconds(2), set.http().requestTimeout());
        assertTrue(!set.businessRate().enabled());
        ConfigException e = assertThrows(ConfigException.class,
                () -> RoleConfig.fromEnvironment(env("HTTP_IDLE_TIMEOUT", "1ms")));
        assertTrue(e.getMessage().contains("HTTP_IDLE_TIMEOUT must be at least 100ms"), e.getMessage());
    }
}
