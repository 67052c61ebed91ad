package dev.switchboard.roles.all;

import dev.switchboard.adapters.redis.RedisBenchmarkSupport;
import dev.switchboard.adapters.redis.RedisConnections;
import dev.switchboard.adapters.redis.RedisJobClaims;
import dev.switchboard.adapters.redis.RedisJobMaintenance;
import dev.switchboard.adapters.redis.RedisJobQueue;
import dev.switchboard.adapters.redis.RedisWorkerRegistry;
import dev.switchboard.ports.in.JobHandler;
import dev.switchboard.ports.in.JobHandlers;
import dev.switchboard.ports.out.BusinessScope;
import dev.switchboard.ports.out.JobInspection;
import dev.switchboard.ports.out.JobRequest;
import dev.switchboard.adapters.redis.RedisJobInspection;
import dev.switchboard.roles.worker.JobRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code ./switchboard bench <enqueue|process|latency> --redis-url URL ...}: measures the job
 * system against a real Redis and prints one {@code name=value} line per figure.
 *
 * <ul>
 *   <li>{@code enqueue}: one client enqueues N no-op jobs, one at a time;</li>
 *   <li>{@code process}: N no-op jobs are queued (untimed), then one worker with concurrency C
 *       drains them; timed from the worker's start to the last job finished;</li>
 *   <li>{@code latency}: jobs are offered at R per second for S seconds to one worker; each
 *       job's latency is from just before its enqueue to the start of its handler;</li>
 *   <li>{@code webhooks}: C concurrent clients post distinct WhatsApp webhooks to a running api
 *       for S seconds ({@link WebhookLoad});</li>
 *   <li>{@code abuse}: webhooks at R/s to a running api, first alone, then beside 2,000 slow
 *       connections and 200 scrapes/s ({@link AbuseLoad});</li>
 *   <li>{@code calls}: N simulated Twilio calls streaming speech at real-time pace to one calls
 *       process, started here unless {@code --calls-url} names one ({@link MediaLoad}).</li>
 * </ul>
 * The webhook workloads post as the reserved bench business ({@code _bench}) and delete its jobs
 * from the api's Redis ({@code --redis-url}) when they end, however they end.
 * Every run also measures a baseline in the same process against the same server: sequential
 * {@code RPUSH} round trips ({@code baseline_rpush_per_s}), so figures from a noisy machine can be
 * read as ratios. It uses queue {@code bench} and deletes what it wrote; point it at a Redis
 * you may write to.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure enqueue throughput, processing throughput and enqueue-to-start latency.")
final class Bench implements Callable<Integer> {
    private static final String QUEUE = "bench";
    private static final String JOB = "bench_noop_job";

    @Parameters(index = "0", description = "enqueue, bulk, process, latency, webhooks, abuse, conversation or calls")
    String workload;

    @Option(names = "--redis-url", description = "Redis to measure against (enqueue, process, latency); the api's"
            + " Redis (webhooks, abuse), where the bench deletes the jobs it caused")
    String redisUrl;

    @Option(names = "--api-url", description = "a running api role (webhooks), e.g. http://127.0.0.1:8080")
    String apiUrl;

    @Option(names = "--secret", description = "its INTERNAL_WEBHOOK_SECRET (webhooks)")
    String secret;

    @Option(names = "--jobs", defaultValue = "20000", description = "jobs (enqueue, process); default ${DEFAULT-VALUE}")
    int jobs;

    @Option(names = "--concurrency", defaultValue = "8", description = "worker concurrency; default ${DEFAULT-VALUE}")
    int concurrency;

    @Option(names = "--rate", defaultValue = "200", description = "offered jobs per second (latency); default ${DEFAULT-VALUE}")
    int rate;

    @Option(names = "--seconds", defaultValue = "20",
            description = "duration (latency, webhooks, abuse: each phase); default ${DEFAULT-VALUE}")
    int seconds;

    static int run(String[] args) {
        Logger.getLogger("").setLevel(Level.WARNING);
        for (var handler : Logger.getLogger("").getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
        return new CommandLine(new Bench()).execute(args);
    }

    @Option(names = "--slow-connections", defaultValue = "2000",
            description = "abuse: slow connections held open (half idle, half trickling); default ${DEFAULT-VALUE}")
    int slowConnections;

    @Option(names = "--scrapes", defaultValue = "200",
            description = "abuse: scrapes of /metrics and /api/jobs/health per second; default ${DEFAULT-VALUE}")
    int scrapes;

    /** The queues the api's jobs go to (RQ_QUEUES' default): where the bench business's jobs are looked for. */
    static final List<String> API_QUEUES = List.of("high", "default", "low", "maintenance", "broadcasts",
            "recordings");

    /**
     * Deletes every job the webhook benchmarks enqueued: they post as the reserved bench business,
     * whose jobs the per-business index finds without scanning anyone else's.
     */
    private static void deleteBenchJobs(RedisConnections redis) {
        long deleted = new RedisBenchmarkSupport(redis).purgeBusiness(BusinessScope.BENCH, API_QUEUES);
        print("bench_jobs_deleted", deleted);
    }

    @Option(names = "--gateway-port", defaultValue = "3100",
            description = "conversation: where this bench's gateway stand-in listens; default ${DEFAULT-VALUE}")
    int gatewayPort;

    @Option(names = "--gateway-secret", description = "conversation: the system's WHATSAPP_GATEWAY_SECRET")
    String gatewaySecret;

    @Option(names = "--calls", defaultValue = "100", description = "calls: concurrent simulated calls; default ${DEFAULT-VALUE}")
    int calls;

    @Option(names = "--calls-url", description = "calls: a running calls role (e.g. http://127.0.0.1:8081) that uses this"
            + " bench's recognizer (GOOGLE_SPEECH_ENDPOINT=127.0.0.1:<--speech-port>) and TWILIO_NUMBERS=...:_bench;"
            + " without it the bench starts one on --redis-url")
    String callsUrl;

    @Option(names = "--speech-port", defaultValue = "0",
            description = "calls: port of the bench's stand-in Speech server (0: any free one); default ${DEFAULT-VALUE}")
    int speechPort;

    @Option(names = "--ramp-up", defaultValue = "-1",
            description = "calls: seconds over which the calls connect (default: 10 ms per call, 1 to 10 s)")
    double rampUp;

    @Option(names = "--warm-up", defaultValue = "15",
            description = "calls: seconds after the ramp-up before the measured window opens, so a fresh calls"
                    + " process's first answers (cold code, JIT compiling) are not in the figures; default ${DEFAULT-VALUE}")
    double warmUp;

    @Option(names = "--calls-jvm-options", defaultValue = MediaLoad.DEFAULT_JVM_OPTIONS,
            description = "calls: JVM options of the calls process the bench starts; default ${DEFAULT-VALUE}")
    String callsJvmOptions;

    @Override
    public Integer call() throws Exception {
        if (workload.equals("calls")) {
            if (calls < 1 || seconds < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "calls needs --calls >= 1 and --seconds >= 1");
            }
            String redis = redisUrl != null ? redisUrl : System.getenv("REDIS_URL");
            if (callsUrl == null && (redis == null || redis.isBlank())) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "calls needs --calls-url, or --redis-url (or REDIS_URL) for the calls process it starts");
            }
            Duration ramp = rampUp >= 0 ? Duration.ofMillis((long) (rampUp * 1000))
                    : Duration.ofMillis(Math.max(1000, Math.min(10_000, calls * 10L)));
            if (warmUp < 0) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--warm-up must be >= 0");
            }
            new MediaLoad(new MediaLoad.Settings(calls, Duration.ofSeconds(seconds), ramp,
                    Duration.ofMillis((long) (warmUp * 1000)),
                    Optional.ofNullable(callsUrl).map(java.net.URI::create), speechPort,
                    Optional.ofNullable(redis).filter(r -> !r.isBlank()),
                    List.of(callsJvmOptions.strip().split("\\s+")))).run().forEach(Bench::print);
            return 0;
        }
        if (workload.equals("conversation")) {
            if (apiUrl == null || secret == null || gatewaySecret == null) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "conversation needs --api-url, --secret and --gateway-secret");
            }
            new ConversationLoad(java.net.URI.create(apiUrl), secret, gatewayPort, gatewaySecret, rate,
                    Duration.ofSeconds(seconds)).run().forEach(Bench::print);
            return 0;
        }
        if (workload.equals("webhooks") || workload.equals("abuse")) {
            if (apiUrl == null || secret == null || redisUrl == null) {
                throw new CommandLine.ParameterException(new CommandLine(this), workload
                        + " needs --api-url, --secret and --redis-url (the api's Redis: the bench deletes its jobs there)");
            }
            try (RedisConnections redis = RedisConnections.connect(redisUrl)) {
                try {
                    java.net.URI api = java.net.URI.create(apiUrl);
                    (workload.equals("webhooks")
                            ? new WebhookLoad(api, secret, concurrency, Duration.ofSeconds(seconds)).run()
                            : new AbuseLoad(api, secret, rate, Duration.ofSeconds(seconds), slowConnections, scrapes).run())
                            .forEach(Bench::print);
                } finally {
                    deleteBenchJobs(redis);
                }
            }
            return 0;
        }
        if (redisUrl == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), workload + " needs --redis-url");
        }
        try (RedisConnections redis = RedisConnections.connect(redisUrl)) {
            cleanUp(redis);
            print("baseline_rpush_per_s", baselineRpushPerSecond(redis));
            // A worker runs for days: measure it warm. The same workload runs once, smaller and
            // unreported, so the JIT has compiled the hot paths (Node and CPython have little to warm).
            int measured = jobs;
            int measuredSeconds = seconds;
            warmingUp = true;
            jobs = Math.min(jobs, 3000);
            seconds = Math.min(seconds, 3);
            runWorkload(redis);
            cleanUp(redis);
            warmingUp = false;
            jobs = measured;
            seconds = measuredSeconds;
            runWorkload(redis);
            cleanUp(redis);
        }
        return 0;
    }

    private boolean warmingUp;

    private void runWorkload(RedisConnections redis) throws InterruptedException {
        switch (workload) {
            case "enqueue" -> enqueue(redis);
            case "bulk" -> bulk(redis);
            case "process" -> process(redis);
            case "latency" -> latency(redis);
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "workload must be enqueue, bulk, process or latency, was '" + workload + "'");
        }
    }

    /** Prints a figure of the measured run (nothing while warming up). */
    private void report(String name, double value) {
        if (!warmingUp) {
            print(name, value);
        }
    }

    private double baselineRpushPerSecond(RedisConnections redis) {
        return new RedisBenchmarkSupport(redis).rpushPerSecond(Math.max(1000, Math.min(jobs, 20_000)));
    }

    private void enqueue(RedisConnections redis) {
        RedisJobQueue queue = new RedisJobQueue(redis, Clock.systemUTC());
        RedisBenchmarkSupport support = new RedisBenchmarkSupport(redis);
        long commands = support.commandsExecuted();
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            queue.enqueue(JobRequest.of(JOB, QUEUE, Map.of(), "bench", "bench"));
        }
        report("jobs_per_s", jobs / seconds(start));
        report("commands_per_job", commandsPerJob(support, commands));
    }

    /** Bulk enqueue: chunks of 1000 through {@code JobQueue.enqueueAll}, each chunk awaited (BullMQ's addBulk). */
    private void bulk(RedisConnections redis) {
        RedisJobQueue queue = new RedisJobQueue(redis, Clock.systemUTC());
        RedisBenchmarkSupport support = new RedisBenchmarkSupport(redis);
        long commands = support.commandsExecuted();
        long start = System.nanoTime();
        prefill(queue);
        report("jobs_per_s", jobs / seconds(start));
        report("commands_per_job", commandsPerJob(support, commands));
    }

    private void prefill(RedisJobQueue queue) {
        for (int done = 0; done < jobs; done += 1000) {
            List<JobRequest> chunk = new ArrayList<>();
            for (int i = done; i < Math.min(jobs, done + 1000); i++) {
                chunk.add(JobRequest.of(JOB, QUEUE, Map.of(), "bench", "bench"));
            }
            queue.enqueueAll(chunk);
        }
    }

    /** Commands since {@code before}, per job, less the INFO call that read them. */
    private double commandsPerJob(RedisBenchmarkSupport support, long before) {
        return Math.round((support.commandsExecuted() - before - 1) * 100.0 / jobs) / 100.0;
    }

    private void process(RedisConnections redis) throws InterruptedException {
        RedisJobQueue queue = new RedisJobQueue(redis, Clock.systemUTC());
        prefill(queue); // untimed, not counted
        JobInspection inspection = new RedisJobInspection(redis, Clock.systemUTC());
        java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
        JobRunner worker = worker(redis, job -> {
            ran.incrementAndGet();
            return null;
        });
        RedisBenchmarkSupport support = new RedisBenchmarkSupport(redis);
        long commands = support.commandsExecuted();
        long start = System.nanoTime();
        worker.start();
        // Watch a counter, not Redis, until the last job ran, so the figure counts the engine's commands only.
        while (ran.get() < jobs) {
            Thread.sleep(2);
        }
        while (inspection.stats(List.of(QUEUE)).get(0).finished() < jobs) {
            Thread.sleep(2);
        }
        double elapsed = seconds(start);
        double perJob = commandsPerJob(support, commands);
        worker.stop(Duration.ofSeconds(5));
        report("jobs_per_s", jobs / elapsed);
        report("commands_per_job", perJob);
    }

    private void latency(RedisConnections redis) throws InterruptedException {
        List<Long> latenciesNanos = Collections.synchronizedList(new ArrayList<>());
        JobRunner worker = worker(redis, job -> {
            latenciesNanos.add(System.nanoTime() - ((Number) job.kwargs().get("t")).longValue());
            return null;
        });
        worker.start();
        RedisJobQueue queue = new RedisJobQueue(redis, Clock.systemUTC());
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / rate;
        int offered = rate * seconds;
        for (int i = 0; i < offered; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            queue.enqueue(JobRequest.of(JOB, QUEUE, Map.of("t", System.nanoTime()), "bench", "bench"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (latenciesNanos.size() < offered && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        worker.stop(Duration.ofSeconds(5));
        List<Long> sorted = new ArrayList<>(latenciesNanos);
        Collections.sort(sorted);
        report("jobs", sorted.size());
        report("offered_per_s", offered / seconds(start));
        report("p50_ms", percentile(sorted, 50));
        report("p95_ms", percentile(sorted, 95));
        report("p99_ms", percentile(sorted, 99));
    }

    private JobRunner worker(RedisConnections redis, JobHandler handler) {
        Clock clock = Clock.systemUTC();
        JobHandlers handlers = new JobHandlers() {
            @Override
            public Optional<JobHandler> handlerFor(String jobName) {
                return JOB.equals(jobName) ? Optional.of(handler) : Optional.empty();
            }

            @Override
            public Set<String> jobNames() {
                return Set.of(JOB);
            }
        };
        return new JobRunner(new JobRunner.Settings("bench-" + UUID.randomUUID().toString().substring(0, 8),
                List.of(QUEUE), concurrency, Duration.ofSeconds(30), 3),
                new RedisJobClaims(redis, clock), new RedisJobMaintenance(redis, clock),
                new RedisWorkerRegistry(redis, clock), handlers);
    }

    private static double percentile(List<Long> sortedNanos, int p) {
        if (sortedNanos.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.size()) - 1;
        return sortedNanos.get(Math.max(0, index)) / 1e6;
    }

    private static void cleanUp(RedisConnections redis) {
        new RedisBenchmarkSupport(redis).purgeQueue(QUEUE);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void print(String name, double value) {
        System.out.println(name + "=" + (value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value) : String.format(java.util.Locale.ROOT, "%.2f", value)));
    }
}
