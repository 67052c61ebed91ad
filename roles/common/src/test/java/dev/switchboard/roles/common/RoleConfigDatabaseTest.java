package dev.switchboard.roles.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** DATABASE_URL and DATABASE_POOL_SIZE: read, validated, and the URL (it holds the password) never shown. */
class RoleConfigDatabaseTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("REDIS_URL", "redis://127.0.0.1:6379"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void unsetDatabaseUrlIsEmptyAndThePoolHasItsDefault() {
        RoleConfig config = RoleConfig.fromEnvironment(env());
        assertEquals(Optional.empty(), config.databaseUrl());
        assertEquals(RoleConfig.DEFAULT_DATABASE_POOL_SIZE, config.databasePoolSize());
    }

    @Test
    void everyPostgresqlFormIsAccepted() {
        for (String url : new String[] {"postgresql://u:p@h:5432/d", "postgres://u:p@h/d", "jdbc:postgresql://h/d?user=u"}) {
            assertEquals(Optional.of(url), RoleConfig.fromEnvironment(env("DATABASE_URL", url)).databaseUrl());
        }
    }

    @Test
    void anotherSchemeIsRefusedWithoutEchoingTheValue() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> RoleConfig.fromEnvironment(env("DATABASE_URL", "mysql://root:hunter22@db/crm")));
        assertTrue(e.getMessage().contains("DATABASE_URL must start with postgresql://"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter22"), e.getMessage());
    }

    @Test
    void poolSizeIsReadAndBounded() {
        assertEquals(12, RoleConfig.fromEnvironment(env("DATABASE_POOL_SIZE", "12")).databasePoolSize());
        for (String bad : new String[] {"0", "101", "many"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> RoleConfig.fromEnvironment(env("DATABASE_POOL_SIZE", bad)));
            assertTrue(e.getMessage().contains("DATABASE_POOL_SIZE must be a whole number from 1 to 100"), e.getMessage());
        }
    }

    @Test
    void toStringSaysWhetherTheDatabaseUrlIsSetButNeverShowsIt() {
        String secret = "S3cret-Pa55";
        RoleConfig config = RoleConfig.fromEnvironment(env("DATABASE_URL", "postgresql://crm:" + secret + "@db/crm"));
        assertFalse(config.toString().contains(secret), config.toString());
        assertFalse(config.toString().contains("db/crm"), config.toString());
        assertTrue(config.toString().contains("databaseUrl=set"), config.toString());
    }
}
