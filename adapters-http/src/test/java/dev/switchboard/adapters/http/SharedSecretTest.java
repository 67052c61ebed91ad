package dev.switchboard.adapters.http;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedSecretTest {
    @Test
    void matchesOnlyTheExactSecret() {
        SharedSecret secret = new SharedSecret(Optional.of("s3cret"));
        assertTrue(secret.matches(Optional.of("s3cret")));
        assertFalse(secret.matches(Optional.of("s3cre")));
        assertFalse(secret.matches(Optional.of("s3cret ")));
        assertFalse(secret.matches(Optional.empty()));
    }

    @Test
    void anUnsetSecretMatchesNothing() {
        SharedSecret secret = new SharedSecret(Optional.of(""));
        assertFalse(secret.configured());
        assertFalse(secret.matches(Optional.of("")));
    }

    @Test
    void neverPrintsTheSecret() {
        assertFalse(new SharedSecret(Optional.of("s3cret")).toString().contains("s3cret"));
    }
}
