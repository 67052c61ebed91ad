package dev.switchboard.adapters.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {

    @Test
    void libpqFormGivesHostPortDatabaseAndCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://crm:s3cret@db.internal:6543/switchboard?sslmode=require");
        assertEquals("db.internal", url.host());
        assertEquals(6543, url.port());
        assertEquals("switchboard", url.database());
        assertEquals(Optional.of("crm"), url.user());
        assertEquals(Optional.of("s3cret"), url.password());
        assertEquals(Map.of("sslmode", "require"), url.parameters());
        assertEquals("jdbc:postgresql://db.internal:6543/switchboard?sslmode=require", url.jdbcUrl());
    }

    @Test
    void postgresSchemeIsTheSame() {
        assertEquals(DatabaseUrl.parse("postgresql://u:p@h:1/d"), DatabaseUrl.parse("postgres://u:p@h:1/d"));
    }

    @Test
    void jdbcFormTakesCredentialsFromItsParametersAndKeepsThemOutOfTheJdbcUrl() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://h:5433/crm?user=app&password=p%26w&ApplicationName=x");
        assertEquals(Optional.of("app"), url.user());
        assertEquals(Optional.of("p&w"), url.password());
        assertEquals("jdbc:postgresql://h:5433/crm?ApplicationName=x", url.jdbcUrl());
    }

    @Test
    void defaultsAreLibpqs() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://alice@/");
        assertEquals("localhost", url.host());
        assertEquals(5432, url.port());
        assertEquals("alice", url.database());
        assertEquals(Optional.empty(), url.password());
    }

    @Test
    void percentEncodedPasswordIsDecoded() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u:p%40ss%3Aw%2Frd%25%20+x@h/d");
        assertEquals(Optional.of("p@ss:w/rd% +x"), url.password());
    }

    @ParameterizedTest
    @ValueSource(strings = {"p@ss", "p:a:ss", "pa/ss", "pa?ss", "pa#ss", "ü€ß+%zz", "@@/?#:"})
    void rawSpecialCharactersInThePasswordAreKept(String password) {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u:" + password + "@db.example:5432/crm?sslmode=disable");
        assertEquals(Optional.of(password), url.password());
        assertEquals("db.example", url.host());
        assertEquals("crm", url.database());
        assertEquals(Map.of("sslmode", "disable"), url.parameters());
    }

    @Test
    void ipv6HostInBrackets() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://u:p@[::1]:7000/d");
        assertEquals("[::1]", url.host());
        assertEquals(7000, url.port());
    }

    @Test
    void passwordNeverAppearsInToStringJdbcUrlOrDescription() {
        String secret = "Sup3r-S3cret!";
        for (String form : new String[] {"postgresql://u:" + secret + "@h/d", "jdbc:postgresql://h/d?user=u&password=" + secret}) {
            DatabaseUrl url = DatabaseUrl.parse(form);
            assertFalse(url.toString().contains(secret), url.toString());
            assertFalse(url.jdbcUrl().contains(secret));
            assertFalse(url.describe().contains(secret));
            assertTrue(url.toString().contains("***"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql://u:p@h/d", "redis://h", "postgresql://u:p@h1,h2/d", "postgresql://u:p@h:99999/d",
            "postgresql://u:p@h/d?sslpassword=x"})
    void otherUrlsAreRefusedWithoutEchoingThem(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse(value));
        assertTrue(e.getMessage().startsWith("DATABASE_URL"), e.getMessage());
        assertFalse(e.getMessage().contains("u:p"), e.getMessage());
    }
}
