package dev.switchboard.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each image starts against a real Redis (and PostgreSQL for the roles that read it) and serves:
 * api and calls answer {@code GET /health}, the worker registers and runs a job the api image's
 * {@code bin/switchboard jobs enqueue} put on the queue, the scheduler takes the lease and ticks.
 * {@code bin/switchboard jobs info} works in every image. In the same run each role is also
 * started the plain-JVM way ./switchboard starts it (roles-all's module path, SERVICE_ROLE), and the
 * sizes and times to ready are printed as a table (README, "Role images").
 */
class ImageSmokeTest {

    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private static final Map<String, String> IMAGE_READY = new LinkedHashMap<>();
    private static final Map<String, String> PLAIN_READY = new LinkedHashMap<>();

    @Test
    void everyImageStartsAndServesNextToThePlainJvmLaunch() throws Exception {
        for (String role : Images.ROLES) {
            PLAIN_READY.put(role, millis(startUntilReady(role, plainJvm(role))));
            IMAGE_READY.put(role, millis(startUntilReady(role, List.of(Images.image(role).resolve("bin/switchboard").toString()))));
        }
    }

    @Test
    void theWorkerImageRunsAJobTheApiImagesCommandsEnqueued() throws Exception {
        Images.Output enqueued = Images.run(List.of(launcher("api"), "jobs", "enqueue", "noop_job", "--kwargs", "{\"sleep_ms\":10}", "--json"),
                Map.of("REDIS_URL", redis.url()));
        assertEquals(0, enqueued.status(), enqueued.text());
        String id = jsonLine(enqueued.text()).get("job_id").asText();
        try (Started worker = start("worker", List.of(launcher("worker")))) {
            awaitTrue(() -> "finished".equals(redis.commands().hget("rq:job:" + id, "status")), Duration.ofSeconds(60),
                    () -> "job " + id + " not finished: " + redis.commands().hgetall("rq:job:" + id) + "\n" + worker.output());
        }
    }

    @Test
    void theOperatorsCommandsRunInEveryImage() throws Exception {
        for (String role : Images.ROLES) {
            Images.Output info = Images.run(List.of(launcher(role), "jobs", "info", "--json"), Map.of("REDIS_URL", redis.url()));
            assertEquals(0, info.status(), role + ": " + info.text());
            assertTrue(jsonLine(info.text()).has("queues"), role + ": " + info.text());
            Images.Output unknown = Images.run(List.of(launcher(role), "jobs", "enqueue", "no_such_job"), Map.of("REDIS_URL", redis.url()));
            assertEquals(1, unknown.status(), role + ": " + unknown.text());
        }
    }

    @AfterAll
    static void printTheTable() throws Exception {
        if (IMAGE_READY.isEmpty()) {
            return;
        }
        StringBuilder table = new StringBuilder("""
                | role | image size (`du -sh`) | image: start to ready | plain JVM (`./switchboard`, `SERVICE_ROLE`): start to ready | ready means |
                |---|---:|---:|---:|---|
                """);
        String plainSize = "the JDK " + du(Path.of(System.getProperty("java.home"))) + " + ./switchboard's module path "
                + du(switchboardModules()) + " (every role)";
        for (String role : IMAGE_READY.keySet()) {
            table.append("| ").append(role).append(" | ").append(du(Images.image(role))).append(" | ")
                    .append(IMAGE_READY.get(role)).append(" | ").append(PLAIN_READY.get(role)).append(" | ")
                    .append(readyMeans(role)).append(" |\n");
        }
        table.append("\nPlain JVM size: ").append(plainSize).append(".\n");
        System.out.println("ImageSmokeTest, jdk " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, load average " + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                + ":\n" + table);
        Files.writeString(Images.dir().resolve("startup.md"), table);
    }

    private static String readyMeans(String role) {
        return switch (role) {
            case "api", "calls" -> "`GET /health` answers 200";
            case "worker" -> "registered in `rq:workers`";
            default -> "first tick (`scheduler:last_tick` written)";
        };
    }

    /** Starts the role, waits until it is ready, stops it (SIGTERM); returns the time to ready. */
    private static Duration startUntilReady(String role, List<String> command) throws Exception {
        redis.commands().flushall();
        long start = System.nanoTime();
        try (Started started = start(role, command)) {
            BooleanSupplier ready = switch (role) {
                case "api", "calls" -> () -> healthy(started.port);
                case "worker" -> () -> redis.commands().scard("rq:workers") > 0;
                default -> () -> redis.commands().exists("scheduler:last_tick") > 0;
            };
            awaitTrue(ready, Duration.ofSeconds(60), () -> role + " (" + String.join(" ", command) + ") not ready:\n" + started.output());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            if (role.equals("api") || role.equals("calls")) {
                HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + started.port + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertTrue(health.body().contains("\"role\":\"" + role + "\""), health.body());
            }
            return took;
        }
    }

    /**
     * The java command ./switchboard execs (with REDIS_URL and DATABASE_URL set it starts no
     * private server): the full JDK, roles-all's target/modules on the module path, every role's
     * code, the role chosen by SERVICE_ROLE.
     */
    private static List<String> plainJvm(String role) {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-p", switchboardModules().toString(), "--add-modules", "ALL-MODULE-PATH",
                "-m", "switchboard.roles.all/dev.switchboard.roles.all.Switchboard");
    }

    private static Path switchboardModules() {
        return Path.of(System.getProperty("switchboard.modules", "../roles/all/target/modules"));
    }

    private static String launcher(String role) {
        return Images.image(role).resolve("bin/switchboard").toString();
    }

    private static final class Started implements AutoCloseable {
        final Process process;
        final Path log;
        final int port;

        Started(Process process, Path log, int port) {
            this.process = process;
            this.log = log;
            this.port = port;
        }

        String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                return e.toString();
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        }
    }

    private static Started start(String role, List<String> command) throws IOException {
        int port = FreePorts.next();
        Map<String, String> env = new HashMap<>();
        env.put("SERVICE_ROLE", role);
        env.put("REDIS_URL", redis.url());
        env.put("PORT", Integer.toString(port));
        env.put("SCHEDULER_TICK", "1s");
        if (role.equals("api") || role.equals("worker")) {
            // A database of its own for every launch: the image and the plain JVM both pay the
            // migration, so neither's time to ready gains from the other's having run first.
            env.put("DATABASE_URL", postgres.databaseUrl(postgres.freshDatabase()));
        }
        Path log = Files.createTempFile("sb-image-" + role + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.equals("DATABASE_URL") || k.equals("REDIS_URL") || k.equals("SERVICE_ROLE"));
        builder.environment().putAll(env);
        return new Started(builder.start(), log, port);
    }

    private static boolean healthy(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> message) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(10);
        }
    }

    /** The JSON document --json prints (pretty-printed over several lines), after any log lines. */
    private static JsonNode jsonLine(String output) throws IOException {
        int start = output.startsWith("{") ? 0 : output.indexOf("\n{") + 1;
        if (start == 0 && !output.startsWith("{")) {
            throw new AssertionError("no JSON in: " + output);
        }
        return new ObjectMapper().readTree(output.substring(start));
    }

    private static String millis(Duration duration) {
        return String.format("%.2f s", duration.toMillis() / 1000.0);
    }

    /** {@code du -sh} of a directory, as an operator would measure it. */
    private static String du(Path dir) throws Exception {
        Images.Output du = Images.run(List.of("du", "-sh", dir.toString()), Map.of());
        assertEquals(0, du.status(), du.text());
        return du.text().strip().split("\\s+")[0];
    }
}
