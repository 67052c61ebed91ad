package dev.switchboard.roles.all;

import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SERVICE_ROLE is enforced by the launcher, in real processes. */
class RoleSelectionTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redis.url());
        env.put("DATABASE_URL", postgres.databaseUrl());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void unknownRoleExitsNonZeroNamingTheValidRoles() {
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(), env("SERVICE_ROLE", "web"))) {
            assertEquals(2, process.waitFor(Duration.ofSeconds(30)));
            assertTrue(process.output().contains("unknown SERVICE_ROLE 'web'; valid roles are: api, worker, scheduler, calls, all"),
                    process.output());
        }
    }

    @Test
    void malformedSettingExitsNonZeroSayingWhatToFix() {
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(),
                env("SERVICE_ROLE", "worker", "WORKER_CONCURRENCY", "lots"))) {
            assertEquals(2, process.waitFor(Duration.ofSeconds(30)));
            assertTrue(process.output().contains("WORKER_CONCURRENCY must be a whole number"), process.output());
        }
    }

    @Test
    void aWorkerWithoutADatabaseExitsNonZeroNamingDatabaseUrl() {
        Map<String, String> env = env("SERVICE_ROLE", "worker");
        env.remove("DATABASE_URL");
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(), env)) {
            assertEquals(2, process.waitFor(Duration.ofSeconds(30)));
            assertTrue(process.output().contains("DATABASE_URL must be set"), process.output());
        }
    }

    @Test
    void unreachableRedisExitsNonZeroWithoutPrintingThePassword() {
        int closedPort = FreePorts.next();
        Map<String, String> env = env("SERVICE_ROLE", "worker");
        env.put("REDIS_URL", "redis://:hunter2-secret@127.0.0.1:" + closedPort);
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(), env)) {
            assertEquals(2, process.waitFor(Duration.ofSeconds(30)));
            assertTrue(process.output().contains("cannot reach Redis at 127.0.0.1:" + closedPort), process.output());
            assertFalse(process.output().contains("hunter2"), "the password never reaches a log");
        }
    }

    @Test
    void enableSchedulersLogsOneDeprecationWarningAndStartsNothing() throws Exception {
        int port = FreePorts.next();
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(), env("SERVICE_ROLE", "api",
                "PORT", Integer.toString(port), "ENABLE_SCHEDULERS", "true"))) {
            process.awaitOutput("api role listening", Duration.ofSeconds(30));
            String out = process.output();
            int first = out.indexOf("ENABLE_SCHEDULERS is obsolete");
            assertTrue(first >= 0, out);
            assertEquals(-1, out.indexOf("ENABLE_SCHEDULERS is obsolete", first + 1), "exactly one warning");
            assertTrue(out.contains("SERVICE_ROLE=scheduler"), "the warning names the scheduler role");
            assertFalse(out.contains("worker ") && out.contains("serving"), "no worker started");
            assertEquals(200, get(port, "/health").statusCode());
        }
    }

    @Test
    void allRoleWarnsItIsForDevelopmentAndAnswersHealth() throws Exception {
        int port = FreePorts.next();
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(), env("PORT", Integer.toString(port)))) {
            process.awaitOutput("api role listening", Duration.ofSeconds(30));
            // The api starts first (a port in use must end the process before workers exist).
            process.awaitOutput("serving [", Duration.ofSeconds(30));
            assertTrue(process.output().contains("SERVICE_ROLE=all is for development only"), process.output());
            assertTrue(process.output().contains("serving [high, default, low, maintenance, broadcasts, recordings]"),
                    process.output());
            HttpResponse<String> health = get(port, "/health");
            assertEquals(200, health.statusCode());
            assertTrue(health.body().contains("\"role\":\"all\""), health.body());
        }
    }

    @Test
    void workerRoleServesNoHttp() throws Exception {
        int port = FreePorts.next();
        try (ChildJvm process = ChildJvm.start(Switchboard.class.getName(), env("SERVICE_ROLE", "worker",
                "PORT", Integer.toString(port)))) {
            process.awaitOutput("serving [", Duration.ofSeconds(30));
            try {
                get(port, "/health");
                throw new AssertionError("the worker answered HTTP on " + port);
            } catch (java.net.ConnectException expected) {
                // nothing listens: the worker role serves no HTTP routes
            }
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
