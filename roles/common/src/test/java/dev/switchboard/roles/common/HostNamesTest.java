package dev.switchboard.roles.common;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HostNamesTest {
    @Test
    void withoutAnExportedHostnameTheSystemsNameIsUsed() {
        assertEquals("worker-box-7", HostNames.current(null, () -> Optional.of("worker-box-7")));
        assertEquals("worker-box-7", HostNames.current("", () -> Optional.of("worker-box-7")));
        assertEquals("from-env", HostNames.current("from-env", () -> Optional.of("worker-box-7")));
        assertEquals("localhost", HostNames.current(null, Optional::empty));
    }

    @Test
    void namesAreSafeInsideRedisKeys() {
        assertEquals("a-b-c", HostNames.current("a b:c", Optional::empty), "names are safe inside Redis keys");
    }
}
