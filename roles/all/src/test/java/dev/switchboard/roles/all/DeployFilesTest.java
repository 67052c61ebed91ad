package dev.switchboard.roles.all;

import dev.switchboard.roles.api.ApiRole;
import dev.switchboard.roles.api.TwilioSettings;
import dev.switchboard.roles.calls.CallsSettings;
import dev.switchboard.roles.common.Durations;
import dev.switchboard.roles.common.NotificationSettings;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.roles.scheduler.SchedulerSettings;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files in {@code deploy/} describe a system that exists: every systemd unit, the compose file
 * and the Dockerfile start a real entry point ({@code -m module/class} with a {@code main}, in that
 * module), set only variables the code reads, with values the roles' own configuration readers
 * accept, and give workers longer to stop than their grace period; the alert rules use metrics
 * (and label values) a running api exports.
 */
class DeployFilesTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private static final Path ROOT = repositoryRoot();
    private static final Path DEPLOY = ROOT.resolve("deploy");
    private static final Pattern ENTRY_POINT = Pattern.compile("-m\\s+([\\w.]+)/([\\w.]+)");
    private static final Pattern METRIC = Pattern.compile("\\bswitchboard_[a-z_]+");
    /** Read by the launcher and the units' ExecStart, not by Java code. */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("JAVA_OPTS");
    private static final Map<String, String> ROLE_MAIN = Map.of(
            "api", "dev.switchboard.roles.api.ApiRole",
            "worker", "dev.switchboard.roles.worker.WorkerRole",
            "scheduler", "dev.switchboard.roles.scheduler.SchedulerRole",
            "calls", "dev.switchboard.roles.calls.CallsRole");

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no deploy/ above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    @Test
    void everySystemdUnitStartsItsRolesEntryPointWithSettingsTheRoleAccepts() throws Exception {
        Set<String> read = variablesTheCodeReads();
        List<Path> units;
        try (Stream<Path> files = Files.list(DEPLOY.resolve("systemd"))) {
            units = files.filter(p -> p.toString().endsWith(".service")).sorted().toList();
        }
        assertEquals(Set.of("api", "worker", "scheduler", "calls"),
                units.stream().map(DeployFilesTest::roleOfUnit).collect(Collectors.toSet()), "one unit per role");
        for (Path unit : units) {
            String role = roleOfUnit(unit);
            Map<String, List<String>> service = section(unit, "Service");
            Map<String, String> env = new LinkedHashMap<>();
            for (String file : service.getOrDefault("EnvironmentFile", List.of())) {
                env.putAll(envFile(DEPLOY.resolve("systemd").resolve(Path.of(file.replaceFirst("^-", "")).getFileName())));
            }
            for (String assignment : service.getOrDefault("Environment", List.of())) {
                String unquoted = assignment.startsWith("\"") ? assignment.substring(1, assignment.length() - 1) : assignment;
                int eq = unquoted.indexOf('=');
                env.put(unquoted.substring(0, eq), unquoted.substring(eq + 1));
            }
            String execStart = String.join(" ", service.get("ExecStart"));
            assertEquals(role, env.get("SERVICE_ROLE"), unit + ": SERVICE_ROLE");
            assertEntryPoint(unit.toString(), execStart, ROLE_MAIN.get(role));
            assertTrue(execStart.contains("--add-modules ALL-MODULE-PATH"), unit + ": Twilio's Jackson modules need it");
            if (env.containsKey("JAVA_OPTS")) {
                assertTrue(execStart.contains("$JAVA_OPTS"), unit + " sets JAVA_OPTS but does not pass it");
            }
            assertKnown(unit.toString(), env.keySet(), read);
            assertAccepted(unit.toString(), env);
            // A configuration mistake exits 2 (RoleLauncher): restarting cannot fix it.
            assertEquals(List.of("2"), service.get("RestartPreventExitStatus"), unit.toString());
            assertEquals(List.of("on-failure"), service.get("Restart"), unit.toString());
            assertTrue(section(unit, "Install").containsKey("WantedBy"), unit + ": [Install] WantedBy");
            if (role.equals("worker")) {
                Duration grace = Durations.parse("WORKER_GRACE", env.getOrDefault("WORKER_GRACE", "25s"));
                Duration stop = Durations.parse("TimeoutStopSec", service.get("TimeoutStopSec").get(0));
                assertTrue(stop.compareTo(grace.plusSeconds(5)) >= 0,
                        unit + ": TimeoutStopSec " + stop + " leaves no time beyond WORKER_GRACE " + grace);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theComposeFileRunsEveryRoleFromOneImageNextToRedisAndPostgres() throws Exception {
        Set<String> read = variablesTheCodeReads();
        Map<String, Object> compose = new Yaml().load(Files.readString(DEPLOY.resolve("compose.yaml")));
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertEquals(Set.of("redis", "postgres", "api", "worker", "scheduler", "calls"), services.keySet());
        Map<String, String> example = envFile(DEPLOY.resolve("compose.env.example"));
        for (String role : ROLE_MAIN.keySet()) {
            Map<String, Object> service = services.get(role);
            Map<String, Object> build = (Map<String, Object>) service.get("build");
            Path dockerfile = DEPLOY.resolve("compose.yaml").getParent().resolve(String.valueOf(build.get("context")))
                    .resolve(String.valueOf(build.get("dockerfile"))).normalize();
            assertTrue(Files.isRegularFile(dockerfile), role + ": " + dockerfile);
            assertEquals("compose.env", service.get("env_file"), role);
            Map<String, String> env = new LinkedHashMap<>(example);
            ((Map<String, Object>) service.get("environment")).forEach((k, v) -> env.put(k, interpolate(String.valueOf(v))));
            assertEquals(role, env.get("SERVICE_ROLE"), role + ": SERVICE_ROLE");
            assertKnown("compose service " + role, env.keySet(), read);
            assertAccepted("compose service " + role, env);
            if (role.equals("worker")) {
                Duration grace = Durations.parse("WORKER_GRACE", env.getOrDefault("WORKER_GRACE", "25s"));
                Duration stop = Durations.parse("stop_grace_period", String.valueOf(service.get("stop_grace_period")));
                assertTrue(stop.compareTo(grace.plusSeconds(5)) >= 0, "worker: stop_grace_period " + stop);
            }
        }
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertEntryPoint("deploy/Dockerfile", dockerfile, Switchboard.class.getName());
        // The Redis it runs is configured as docs/operations.md asks.
        List<String> redisVolumes = (List<String>) services.get("redis").get("volumes");
        String conf = redisVolumes.stream().filter(v -> v.endsWith("redis.conf:ro")).findFirst().orElseThrow();
        String redisConf = Files.readString(DEPLOY.resolve(conf.substring(0, conf.indexOf(':'))).normalize());
        for (String line : List.of("maxmemory-policy noeviction", "appendonly yes", "appendfsync everysec")) {
            assertTrue(redisConf.lines().anyMatch(l -> l.strip().equals(line)), "redis.conf: " + line);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAlertRulesUseMetricsARunningApiExports() throws Exception {
        Map<String, Object> rules = new Yaml().load(Files.readString(DEPLOY.resolve("prometheus/alerts.yml")));
        List<String> expressions = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) rules.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                assertTrue(rule.containsKey("alert") && rule.containsKey("annotations"), rule.toString());
                expressions.add(String.valueOf(rule.get("expr")));
            }
        }
        int port = FreePorts.next();
        Map<String, String> env = Map.of("SERVICE_ROLE", "api", "REDIS_URL", redis.url(), "PORT", Integer.toString(port),
                "LOG_LEVEL", "WARN");
        String metrics;
        try (ApiRole api = ApiRole.start(RoleConfig.fromEnvironment(env), env, List.of())) {
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + api.port());
            http.send(HttpRequest.newBuilder(base.resolve("/health")).build(), HttpResponse.BodyHandlers.discarding());
            // Refused (no secret is configured): counted as a rejected enqueue of webhook_process_job.
            http.send(HttpRequest.newBuilder(base.resolve("/webhook/whatsapp/incoming"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        }
        Set<String> samples = metrics.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
        for (String expr : expressions) {
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                assertTrue(samples.contains(m.group()), "alerts.yml uses " + m.group() + ", which /metrics lacks: " + samples);
            }
        }
        for (String series : List.of("state=\"failed\"", "outcome=\"rejected\"", "route=\"/webhook/whatsapp/incoming\"")) {
            assertTrue(metrics.contains(series), "/metrics has no series with " + series);
        }
    }

    private static void assertEntryPoint(String where, String text, String expectedClass) throws Exception {
        Matcher m = ENTRY_POINT.matcher(text);
        assertTrue(m.find(), where + ": no -m module/class");
        String module = m.group(1);
        String className = m.group(2);
        assertEquals(expectedClass, className, where);
        Class<?> main = Class.forName(className);
        Method method = main.getMethod("main", String[].class);
        assertTrue(Modifier.isStatic(method.getModifiers()), where + ": main is not static");
        Path location = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> modules = ModuleFinder.of(location).findAll().stream().map(ModuleReference::descriptor)
                .map(d -> d.name()).toList();
        assertEquals(List.of(module), modules, where + ": " + className + " is in module " + modules);
    }

    private static void assertKnown(String where, Set<String> names, Set<String> read) {
        Set<String> unknown = new TreeSet<>(names);
        unknown.removeAll(read);
        unknown.removeAll(LAUNCHER_VARIABLES);
        assertEquals(Set.of(), unknown, where + " sets variables no code reads");
    }

    /** The roles' own readers accept the values (placeholders stand for secrets of the right size). */
    private static void assertAccepted(String where, Map<String, String> env) {
        Map<String, String> real = new HashMap<>();
        // Distinct per variable: a token shared by two scopes is refused, rightly.
        env.forEach((k, v) -> real.put(k, v.replace("CHANGE_ME", k.toLowerCase() + "-0123456789abcdef0123456789abcdef")));
        try {
            RoleConfig config = RoleConfig.fromEnvironment(real);
            assertEquals(real.get("SERVICE_ROLE"), config.role().id(), where);
            NotificationSettings.fromEnvironment(real);
            SchedulerSettings.fromEnvironment(real);
            TwilioSettings.fromEnvironment(real);
            CallsSettings.fromEnvironment(real);
        } catch (RuntimeException e) {
            throw new AssertionError(where + ": " + e.getMessage(), e);
        }
    }

    /** {@code ${NAME:-default}} as compose interpolates it when NAME is unset. */
    private static String interpolate(String value) {
        return value.replaceAll("\\$\\{[A-Z_]+:-([^}]*)}", "$1");
    }

    private static String roleOfUnit(Path unit) {
        String name = unit.getFileName().toString();
        return name.substring("switchboard-".length(), name.indexOf(name.contains("@") ? '@' : '.'));
    }

    /** One section of a unit file: each key with its values in order (keys like Environment repeat). */
    private static Map<String, List<String>> section(Path unit, String name) throws IOException {
        Map<String, List<String>> values = new LinkedHashMap<>();
        String current = null;
        for (String raw : Files.readAllLines(unit)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                current = line.substring(1, line.indexOf(']'));
                continue;
            }
            if (name.equals(current)) {
                int eq = line.indexOf('=');
                assertTrue(eq > 0, unit + ": not key=value: " + line);
                values.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        assertTrue(!values.isEmpty(), unit + " has no [" + name + "]");
        return values;
    }

    private static Map<String, String> envFile(Path file) {
        try {
            Map<String, String> env = new LinkedHashMap<>();
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                assertTrue(eq > 0, file + ": not NAME=value: " + line);
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every upper-case string literal in the production sources: the environment variables the code reads. */
    private static Set<String> variablesTheCodeReads() throws IOException {
        Set<String> names = new TreeSet<>();
        Pattern literal = Pattern.compile("\"([A-Z][A-Z0-9_]{2,})\"");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
                    && !p.toString().contains("/target/")).toList()) {
                Matcher m = literal.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        assertTrue(names.containsAll(Set.of("REDIS_URL", "DATABASE_URL", "SERVICE_ROLE", "RQ_QUEUES")), names.toString());
        return names;
    }
}
