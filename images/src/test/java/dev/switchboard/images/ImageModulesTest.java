package dev.switchboard.images;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code bin/java --list-modules} of each image is exactly the role's expected set, checked in as
 * {@code src/test/resources/expected-modules/<role>.txt} (one module a line, no versions). A role
 * that gains or loses a module changes one file: run this test with
 * {@code -Dexpected-modules.write=true} to rewrite the files from the images, and review the diff.
 */
class ImageModulesTest {

    private static final Path EXPECTED = Path.of("src/test/resources/expected-modules");

    @ParameterizedTest
    @ValueSource(strings = {"api", "worker", "scheduler", "calls"})
    void eachImageHoldsExactlyItsRolesModules(String role) throws Exception {
        Set<String> actual = listModules(role);
        Path file = EXPECTED.resolve(role + ".txt");
        if (Boolean.getBoolean("expected-modules.write")) {
            Files.writeString(file, String.join("\n", actual) + "\n", StandardCharsets.UTF_8);
        }
        Set<String> expected = new TreeSet<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        expected.removeIf(String::isBlank);
        if (!expected.equals(actual)) {
            Set<String> added = new TreeSet<>(actual);
            added.removeAll(expected);
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            fail("the " + role + " image's modules differ from " + file + ": in the image but not expected " + added
                    + ", expected but not in the image " + missing
                    + " (intended? rerun with -Dexpected-modules.write=true and review the diff)");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"api", "worker", "scheduler", "calls"})
    void everyImageCarriesTheOperatorsCommandsAndItsRoleButNoOtherRole(String role) throws Exception {
        Set<String> modules = listModules(role);
        assertTrue(modules.contains("switchboard.roles." + role), modules::toString);
        assertTrue(modules.contains("switchboard.roles.cli"), modules::toString);
        assertFalse(modules.contains("switchboard.roles.all"), "the development launcher is never imaged");
        for (String other : Images.ROLES) {
            if (!other.equals(role)) {
                assertFalse(modules.contains("switchboard.roles." + other), role + " image holds the " + other + " role");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theApiImageHoldsNoSpeechOrMediaStreamStackAndTheWorkerNoMediaStreams() throws Exception {
        Set<String> api = listModules("api");
        for (String module : List.of("com.google.cloud.speech", "switchboard.adapters.media.speech",
                "switchboard.roles.runtime", "io.helidon.webserver.websocket", "io.helidon.websocket")) {
            assertFalse(api.contains(module), "api image holds " + module);
        }
        assertTrue(api.contains("io.helidon.webserver"), "the api image serves HTTP");
        // The worker transcribes recordings (batch Recognize) and places and ends calls through
        // Twilio's REST API, so it holds the speech and Twilio stacks; it serves no media streams.
        Set<String> worker = listModules("worker");
        for (String module : List.of("io.helidon.webserver.websocket", "io.helidon.websocket")) {
            assertFalse(worker.contains(module), "worker image holds " + module);
        }
        for (String module : List.of("com.google.cloud.speech", "switchboard.adapters.media.speech", "twilio")) {
            assertTrue(worker.contains(module), "the worker image lacks " + module);
        }
        Set<String> calls = listModules("calls");
        for (String module : List.of("com.google.cloud.speech", "switchboard.adapters.media.speech", "io.helidon.webserver.websocket")) {
            assertTrue(calls.contains(module), "the calls image lacks " + module);
        }
    }

    @org.junit.jupiter.api.Test
    void theSchedulerImageHoldsNoHttpServerAndNoDatabase() throws Exception {
        Set<String> scheduler = listModules("scheduler");
        for (String module : List.of("io.helidon.webserver", "io.helidon.http", "switchboard.adapters.http",
                "jdk.httpserver", "org.postgresql.jdbc", "flyway.core", "twilio")) {
            assertFalse(scheduler.contains(module), "scheduler image holds " + module);
        }
        assertTrue(scheduler.contains("lettuce.core"), "the scheduler image talks to Redis");
    }

    static Set<String> listModules(String role) throws Exception {
        Images.Output output = Images.run(List.of(Images.image(role).resolve("bin/java").toString(), "--list-modules"), Map.of());
        assertEquals(0, output.status(), output.text());
        Set<String> modules = new TreeSet<>();
        for (String line : output.text().split("\n")) {
            if (!line.isBlank()) {
                // "name@version", or "name open" for our modularized jars (no version): the name only.
                modules.add(line.strip().split("\\s+")[0].replaceFirst("@.*$", ""));
            }
        }
        return modules;
    }
}
