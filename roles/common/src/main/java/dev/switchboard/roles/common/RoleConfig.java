package dev.switchboard.roles.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.regex.Pattern;

import dev.switchboard.ports.out.BusinessScope;

/**
 * The configuration of a process, read once from the environment and validated. Secrets are kept
 * here only to be handed to the adapter that needs them; {@link #toString()} never shows them.
 *
 * @param role              {@code SERVICE_ROLE}, default {@code all}
 * @param redisUrl          {@code REDIS_URL} (the launcher provides a private Redis when unset)
 * @param databaseUrl       {@code DATABASE_URL}, the CRM store: {@code postgresql://user:pass@host:port/db},
 *                          {@code postgres://...} or {@code jdbc:postgresql://...} (the launcher provides a
 *                          private PostgreSQL when unset); holds the password, so never logged
 * @param databasePoolSize  {@code DATABASE_POOL_SIZE}, the most connections a process holds, default 5
 * @param port              {@code PORT}, HTTP port of api/calls, default 8080
 * @param queues            {@code RQ_QUEUES}, the worker's queues in priority order
 * @param concurrency       {@code WORKER_CONCURRENCY}, jobs a worker runs at once, default 8
 * @param workerGrace       {@code WORKER_GRACE}, how long SIGTERM waits for running jobs, default 25 s
 * @param workerLease       {@code WORKER_LEASE}, how long a claim lasts without a heartbeat, default 30 s
 * @param maxLeaseExpiries  {@code WORKER_MAX_LEASE_EXPIRIES}, lease expiries after which a job is failed, default 3
 * @param internalSecret    {@code INTERNAL_WEBHOOK_SECRET}, guards the WhatsApp gateway webhook
 * @param twilioAuthToken   {@code TWILIO_AUTH_TOKEN}, validates Twilio signatures
 * @param apiTokens         {@code API_TOKENS}, {@code <business_id>:<token>,...}: bearer tokens of the job API
 * @param adminToken        {@code ADMIN_TOKEN}: a bearer token that sees every business
 * @param schedulerTick     {@code SCHEDULER_TICK}: the scheduler's tick, which health uses to call it stale
 * @param logLevel          {@code LOG_LEVEL}: DEBUG, INFO, WARN or ERROR, default INFO
 * @param jsonLogs          {@code LOG_FORMAT}: {@code json} (default) or {@code text}
 * @param schedulersFlagSet whether the obsolete {@code ENABLE_SCHEDULERS} is set
 * @param jobIdSecret       {@code JOB_ID_SECRET}: keys the ids of deduplicated jobs (HMAC); unset, one is
 *                          generated and kept in Redis, shared by every process
 * @param http              {@code HTTP_*}: the limits of the api's and calls' HTTP server
 * @param businessRate      {@code BUSINESS_RATE_LIMIT} / {@code BUSINESS_BURST}: jobs per second each business
 *                          may enqueue through the api, and how many at once
 * @param redisWait         {@code REDIS_WAIT_REPLICAS} / {@code REDIS_WAIT_TIMEOUT}: how many replicas must have
 *                          an enqueued job before it counts as accepted (docs/operations.md)
 */
public record RoleConfig(
        ServiceRole role,
        String redisUrl,
        Optional<String> databaseUrl,
        int databasePoolSize,
        int port,
        List<String> queues,
        int concurrency,
        Duration workerGrace,
        Duration workerLease,
        int maxLeaseExpiries,
        Optional<String> internalSecret,
        Optional<String> twilioAuthToken,
        List<ApiToken> apiTokens,
        Optional<String> adminToken,
        Duration schedulerTick,
        Level logLevel,
        boolean jsonLogs,
        boolean schedulersFlagSet,
        Optional<String> jobIdSecret,
        HttpLimits http,
        RateLimit businessRate,
        RedisWait redisWait) {

    /** Shortest secret or token accepted: 32 characters (128 bits as hex, more as base64). */
    public static final int MIN_SECRET_LENGTH = 32;
    /** What every "too short" message tells the operator to run. */
    public static final String GENERATE_SECRET = "generate one with: openssl rand -hex 32";

    /**
     * The HTTP server's limits (see {@code ServerLimits} in the HTTP adapter).
     *
     * @param maxConnections        {@code HTTP_MAX_CONNECTIONS}, default 10000
     * @param maxConcurrentRequests {@code HTTP_MAX_CONCURRENT_REQUESTS}, default 1000
     * @param idleTimeout           {@code HTTP_IDLE_TIMEOUT}, default 60s
     * @param requestTimeout        {@code HTTP_REQUEST_TIMEOUT}, default 10s
     * @param maxHeaderBytes        {@code HTTP_MAX_HEADER_BYTES}, default 16384
     */
    public record HttpLimits(int maxConnections, int maxConcurrentRequests, Duration idleTimeout,
                             Duration requestTimeout, int maxHeaderBytes) { }

    /**
     * A token bucket per business: {@code perSecond} jobs refill each second, up to {@code burst}.
     *
     * @param perSecond {@code BUSINESS_RATE_LIMIT}, default 50 jobs/s; 0 turns the limit off
     * @param burst     {@code BUSINESS_BURST}, default 1000 (a full WhatsApp batch is 500)
     */
    public record RateLimit(int perSecond, int burst) {
        public boolean enabled() {
            return perSecond > 0;
        }
    }

    /**
     * Redis {@code WAIT} after each enqueue: a job is accepted (202, or enqueued by a job or the
     * scheduler) only once {@code replicas} replicas have it, so a failover to one of them cannot lose it.
     *
     * @param replicas {@code REDIS_WAIT_REPLICAS}, default 0 (the primary's acknowledgement is enough)
     * @param timeout  {@code REDIS_WAIT_TIMEOUT}, default 1s; past it the enqueue is refused (503)
     */
    public record RedisWait(int replicas, Duration timeout) { }

    /** A business's bearer token for the job API. */
    public record ApiToken(String businessId, String token) {
        @Override
        public String toString() {
            return "ApiToken[" + businessId + ", redacted]";
        }
    }

    public static final List<String> DEFAULT_QUEUES =
            List.of("high", "default", "low", "maintenance", "broadcasts", "recordings");
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    /** The schemes the PostgreSQL adapter parses (it checks the rest when it starts). */
    private static final Pattern DATABASE_URL = Pattern.compile("(?i)(jdbc:postgresql|postgresql|postgres)://.*");
    public static final int DEFAULT_DATABASE_POOL_SIZE = 5;

    public RoleConfig {
        queues = List.copyOf(queues);
        apiTokens = List.copyOf(apiTokens);
    }

    /** Reads and validates; every problem found is reported at once. */
    public static RoleConfig fromEnvironment(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        // The role decides everything else: an unknown one is reported alone.
        ServiceRole role = ServiceRole.parse(env.getOrDefault("SERVICE_ROLE", "all"));
        String redisUrl = env.get("REDIS_URL");
        if (redisUrl == null || redisUrl.isBlank()) {
            problems.add("REDIS_URL is required (./switchboard starts a private Redis when it is unset)");
        }
        Optional<String> databaseUrl = nonBlank(env.get("DATABASE_URL")).map(String::strip);
        if (databaseUrl.isPresent() && !DATABASE_URL.matcher(databaseUrl.get()).matches()) {
            // The value is not echoed: it may be a password pasted in the wrong variable.
            problems.add("DATABASE_URL must start with postgresql://, postgres:// or jdbc:postgresql://");
        }
        int databasePoolSize = integer(env, "DATABASE_POOL_SIZE", DEFAULT_DATABASE_POOL_SIZE, 1, 100, problems);
        int port = integer(env, "PORT", 8080, 0, 65535, problems);
        List<String> queues = queues(env.get("RQ_QUEUES"), problems);
        int concurrency = integer(env, "WORKER_CONCURRENCY", 8, 1, 1024, problems);
        Duration grace = Duration.ofSeconds(25);
        try {
            grace = Durations.parse("WORKER_GRACE", env.getOrDefault("WORKER_GRACE", "25s"));
        } catch (ConfigException e) {
            problems.add(e.getMessage());
        }
        Duration lease = Duration.ofSeconds(30);
        try {
            lease = Durations.parse("WORKER_LEASE", env.getOrDefault("WORKER_LEASE", "30s"));
            if (lease.toMillis() < 300) {
                problems.add("WORKER_LEASE must be at least 300ms");
            }
        } catch (ConfigException e) {
            problems.add(e.getMessage());
        }
        int maxLeaseExpiries = integer(env, "WORKER_MAX_LEASE_EXPIRIES", 3, 1, 1_000_000, problems);
        List<ApiToken> apiTokens = apiTokens(env.get("API_TOKENS"), problems);
        // One token, one scope: a token shared by two businesses (or with the admin) would act
        // in whichever scope happens to match first.
        Set<String> distinctTokens = new java.util.HashSet<>();
        apiTokens.forEach(t -> distinctTokens.add(t.token()));
        if (distinctTokens.size() < apiTokens.size()) {
            problems.add("API_TOKENS gives the same token to two businesses");
        }
        if (env.get("ADMIN_TOKEN") != null && !env.get("ADMIN_TOKEN").isBlank() && distinctTokens.contains(env.get("ADMIN_TOKEN"))) {
            problems.add("ADMIN_TOKEN must differ from every business token");
        }
        Duration schedulerTick = Duration.ofSeconds(15);
        try {
            schedulerTick = Durations.parse("SCHEDULER_TICK", env.getOrDefault("SCHEDULER_TICK", "15s"));
        } catch (ConfigException e) {
            problems.add(e.getMessage());
        }
        String logFormat = env.getOrDefault("LOG_FORMAT", "json").trim().toLowerCase(java.util.Locale.ROOT);
        if (!logFormat.equals("json") && !logFormat.equals("text")) {
            problems.add("LOG_FORMAT must be json or text, was '" + logFormat + "'");
        }
        Level level = Level.INFO;
        try {
            level = logLevel(env.getOrDefault("LOG_LEVEL", "INFO"));
        } catch (ConfigException e) {
            problems.add(e.getMessage());
        }
        for (String name : List.of("INTERNAL_WEBHOOK_SECRET", "TWILIO_AUTH_TOKEN", "ADMIN_TOKEN", "JOB_ID_SECRET")) {
            Optional<String> secret = nonBlank(env.get(name));
            if (secret.isPresent() && secret.get().length() < MIN_SECRET_LENGTH) {
                problems.add(name + " is shorter than " + MIN_SECRET_LENGTH + " characters; " + GENERATE_SECRET);
            }
        }
        HttpLimits http = new HttpLimits(
                integer(env, "HTTP_MAX_CONNECTIONS", 10_000, 1, 1_000_000, problems),
                integer(env, "HTTP_MAX_CONCURRENT_REQUESTS", 1_000, 1, 1_000_000, problems),
                duration(env, "HTTP_IDLE_TIMEOUT", "60s", Duration.ofMillis(100), problems),
                duration(env, "HTTP_REQUEST_TIMEOUT", "10s", Duration.ofMillis(100), problems),
                integer(env, "HTTP_MAX_HEADER_BYTES", 16 * 1024, 1024, 1024 * 1024, problems));
        RateLimit businessRate = new RateLimit(
                integer(env, "BUSINESS_RATE_LIMIT", 50, 0, 1_000_000, problems),
                integer(env, "BUSINESS_BURST", 1_000, 1, 10_000_000, problems));
        RedisWait redisWait = new RedisWait(integer(env, "REDIS_WAIT_REPLICAS", 0, 0, 10, problems),
                duration(env, "REDIS_WAIT_TIMEOUT", "1s", Duration.ofMillis(10), problems));
        if (redisWait.timeout().compareTo(Duration.ofSeconds(4)) > 0) {
            // Redis's WAIT blocks the shared connection; it must end well within the 5 s command timeout.
            problems.add("REDIS_WAIT_TIMEOUT must be at most 4s");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return new RoleConfig(role, redisUrl, databaseUrl, databasePoolSize, port, queues, concurrency, grace, lease, maxLeaseExpiries,
                nonBlank(env.get("INTERNAL_WEBHOOK_SECRET")), nonBlank(env.get("TWILIO_AUTH_TOKEN")),
                apiTokens, nonBlank(env.get("ADMIN_TOKEN")), schedulerTick, level, logFormat.equals("json"),
                env.containsKey("ENABLE_SCHEDULERS"), nonBlank(env.get("JOB_ID_SECRET")), http, businessRate, redisWait);
    }

    private static Duration duration(Map<String, String> env, String name, String fallback, Duration min,
                                     List<String> problems) {
        try {
            Duration d = Durations.parse(name, env.getOrDefault(name, fallback));
            if (d.compareTo(min) >= 0) {
                return d;
            }
            problems.add(name + " must be at least " + min.toMillis() + "ms");
        } catch (ConfigException e) {
            problems.add(e.getMessage());
        }
        return Durations.parse(name, fallback);
    }

    /** {@code biz-1:token-a,biz-2:token-b}; a token may contain ':' (only the first one splits). */
    private static List<ApiToken> apiTokens(String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        List<ApiToken> tokens = new ArrayList<>();
        Set<String> businesses = new LinkedHashSet<>();
        for (String entry : value.split(",")) {
            String trimmed = entry.trim();
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                problems.add("API_TOKENS entries must be <business_id>:<token> (entry " + (tokens.size() + 1) + " is not)");
                continue;
            }
            String business = trimmed.substring(0, colon);
            String token = trimmed.substring(colon + 1);
            if (BusinessScope.isReserved(business)) {
                problems.add("API_TOKENS: business id '" + business + "' is reserved (ids beginning with '"
                        + BusinessScope.RESERVED_PREFIX + "' belong to Switchboard itself)");
            } else if (token.length() < MIN_SECRET_LENGTH) {
                problems.add("API_TOKENS: the token of business '" + business + "' is shorter than "
                        + MIN_SECRET_LENGTH + " characters; " + GENERATE_SECRET);
            } else if (!businesses.add(business)) {
                problems.add("API_TOKENS names business '" + business + "' twice");
            } else {
                tokens.add(new ApiToken(business, token));
            }
        }
        return tokens;
    }

    private static List<String> queues(String value, List<String> problems) {
        if (value == null || value.isBlank()) {
            return DEFAULT_QUEUES;
        }
        Set<String> queues = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            String queue = part.trim();
            if (!QUEUE.matcher(queue).matches()) {
                problems.add("RQ_QUEUES has an invalid queue name '" + queue + "'");
            } else if (!queues.add(queue)) {
                problems.add("RQ_QUEUES names '" + queue + "' twice");
            }
        }
        return List.copyOf(queues);
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max,
                               List<String> problems) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        problems.add(name + " must be a whole number from " + min + " to " + max + ", was '" + value + "'");
        return fallback;
    }

    static Level logLevel(String value) {
        return switch (value.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "TRACE" -> Level.FINEST;
            case "DEBUG" -> Level.FINE;
            case "INFO" -> Level.INFO;
            case "WARN", "WARNING" -> Level.WARNING;
            case "ERROR" -> Level.SEVERE;
            default -> throw new ConfigException("LOG_LEVEL must be DEBUG, INFO, WARN or ERROR, was '" + value + "'");
        };
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    @Override
    public String toString() {
        return "RoleConfig[role=" + role.id() + ", port=" + port + ", queues=" + queues
                + ", databaseUrl=" + (databaseUrl.isPresent() ? "set" : "unset") + ", databasePoolSize=" + databasePoolSize
                + ", concurrency=" + concurrency + ", workerGrace=" + workerGrace + ", workerLease=" + workerLease
                + ", internalSecret=" + (internalSecret.isPresent() ? "set" : "unset")
                + ", twilioAuthToken=" + (twilioAuthToken.isPresent() ? "set" : "unset")
                + ", apiTokens=" + apiTokens.size() + " business(es), adminToken=" + (adminToken.isPresent() ? "set" : "unset")
                + ", jobIdSecret=" + (jobIdSecret.isPresent() ? "set" : "kept in Redis")
                + ", http=" + http + ", businessRate=" + businessRate + ", redisWait=" + redisWait
                + ", logLevel=" + logLevel.getName() + "]";
    }
}
