package dev.switchboard.roles.all;

import dev.switchboard.roles.runtime.RoleThreads;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code bench calls}: N simulated Twilio calls ({@link MediaLoadClient}) against one real calls
 * process, each streaming the caller's speech at real-time pace (20 ms μ-law frames) for the run.
 * The calls process transcribes through {@link BenchSpeechServer} (a recognizer that answers at
 * once) and answers with the embedded agent and synthesizer (no AI or TTS configured), so what is
 * measured is the calls role's own work.
 *
 * <p>Without {@code callsUrl} it starts the calls process itself ({@code SERVICE_ROLE=calls}, the
 * JVM options of deploy/systemd's unit unless told otherwise) on the given Redis and stops it at the
 * end; with one, that process must already use this tool's recognizer
 * ({@code GOOGLE_SPEECH_ENDPOINT=127.0.0.1:<speechPort>}) and take calls for the bench business
 * ({@code TWILIO_NUMBERS=...:_bench}).
 *
 * <p>Figures, all of the steady window (after every call connected and {@code warmUp} more, for
 * {@code duration}; the warm-up keeps a fresh process's first answers, run by cold code while the
 * JIT compiles, out of the figures):
 * <ul>
 *   <li>{@code frame_handling_p50_ms}/{@code _p99_ms}/{@code frames_over_20ms}: measured inside the
 *       calls process (its {@code /metrics} histogram {@code switchboard_calls_media_frame_seconds},
 *       arrival of a media frame at the stream's listener to the end of its handling); percentiles
 *       interpolated within the histogram's buckets as Prometheus' {@code histogram_quantile} does;</li>
 *   <li>{@code answer_in_process_p50_ms}/{@code _p99_ms}/{@code answers_in_process_over_50ms}: the
 *       calls role's own share of an answer's latency, measured inside the calls process (its
 *       histogram {@code switchboard_calls_answer_start_seconds}): from the final transcript reaching
 *       the call to the answer's first audio frame handed to the socket, the AI and synthesis
 *       included (here the embedded ones, which take no time to speak of);</li>
 *   <li>{@code answer_p50_ms}/{@code _p99_ms}: seen by the callers: from the recognizer handing a
 *       final transcript to gRPC to the first frame of the agent's answer arriving at the caller,
 *       so also gRPC, the socket and this tool's own scheduling;</li>
 *   <li>{@code cpu_percent_of_core_per_call}, {@code rss_per_call_kb}: the calls process's CPU time
 *       and resident memory (its {@code /metrics}) divided by the calls;</li>
 *   <li>{@code client_send_lag_p99_ms}: how late this tool sent frames: when it is large the load
 *       was not offered at real-time pace and the other figures flatter the server.</li>
 * </ul>
 * Over the whole run: {@code frames_sent} and {@code frames_handled} (they must agree), calls
 * dropped, malformed frames from the server.
 */
final class MediaLoad {
    static final String BUSINESS = dev.switchboard.ports.out.BusinessScope.BENCH;
    static final String DEFAULT_JVM_OPTIONS = "-Xms256m -Xmx1g -XX:+ExitOnOutOfMemoryError";
    private static final String FRAME_METRIC = "switchboard_calls_media_frame_seconds";
    private static final String ANSWER_METRIC = "switchboard_calls_answer_start_seconds";

    record Settings(int calls, Duration duration, Duration rampUp, Duration warmUp, Optional<URI> callsUrl, int speechPort,
                    Optional<String> redisUrl, List<String> jvmOptions) {
    }

    /** What the callers saw; written by the pacer and the readers. */
    static final class Stats {
        final LongAdder framesSent = new LongAdder();
        final LongAdder framesReceived = new LongAdder();
        final LongAdder framesMalformed = new LongAdder();
        final LongAdder marks = new LongAdder();
        final LongAdder clears = new LongAdder();
        final LongAdder utterances = new LongAdder();
        final LongAdder unanswered = new LongAdder();
        final List<Long> answers = Collections.synchronizedList(new ArrayList<>());
        /** Send lateness in 0.1 ms steps up to 10 s (the pacer's only). */
        final long[] lag = new long[100_001];
        volatile boolean measuring;

        void answerLatency(long nanos) {
            if (measuring) {
                answers.add(nanos);
            }
        }

        void sendLag(long nanos) {
            if (measuring) {
                lag[(int) Math.min(lag.length - 1, Math.max(0, nanos / 100_000))]++;
            }
        }
    }

    private final Settings settings;
    private final Stats stats = new Stats();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    MediaLoad(Settings settings) {
        this.settings = settings;
    }

    /** The caller's line, as base64 of each 20 ms frame. */
    static byte[][] speechFrames() {
        try (InputStream in = MediaLoad.class.getResourceAsStream("caller-speech.ulaw")) {
            if (in == null) {
                throw new IllegalStateException("caller-speech.ulaw is missing from the build");
            }
            byte[] audio = in.readAllBytes();
            byte[][] frames = new byte[audio.length / MediaLoadClient.FRAME][];
            for (int i = 0; i < frames.length; i++) {
                frames[i] = MediaLoadClient.base64(java.util.Arrays.copyOfRange(audio, i * MediaLoadClient.FRAME,
                        (i + 1) * MediaLoadClient.FRAME));
            }
            return frames;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, Double> run() throws Exception {
        int n = settings.calls();
        AtomicLongArray finals = new AtomicLongArray(n);
        byte[][] speech = speechFrames();
        Map<String, Double> figures = new LinkedHashMap<>();
        try (BenchSpeechServer recognizer = new BenchSpeechServer(settings.speechPort(), finals::set);
             CallsProcess process = settings.callsUrl().isPresent() ? null : CallsProcess.start(settings, recognizer)) {
            URI base = settings.callsUrl().orElseGet(() -> process.base);
            URI stream = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws/twilio/media");
            Map<String, Double> before = scrape(base);

            ConcurrentLinkedQueue<MediaLoadClient> connected = new ConcurrentLinkedQueue<>();
            LongAdder connectFailures = new LongAdder();
            List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            long rampNanos = settings.rampUp().toNanos();
            Thread dialer = RoleThreads.startVirtual("bench-dialer", () -> {
                for (int i = 0; i < n; i++) {
                    long due = start + rampNanos * i / n;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    int number = i;
                    threads.add(RoleThreads.startVirtual("bench-call-" + i, () -> {
                        try {
                            MediaLoadClient c = new MediaLoadClient(number, stream, speech, stats, finals);
                            c.start(BUSINESS);
                            connected.add(c);
                            c.read();
                        } catch (IOException e) {
                            connectFailures.increment();
                            System.err.println("bench calls: call " + number + " failed to connect: " + e.getMessage());
                        }
                    }));
                }
            });

            // The pacer: every call's next frame when it is due, from one thread.
            List<MediaLoadClient> live = new ArrayList<>();
            LongAdder dropped = new LongAdder();
            long rampEnd = start + rampNanos + 1_000_000_000L + settings.warmUp().toNanos();
            long windowEnd = rampEnd + settings.duration().toNanos();
            Map<String, Double> windowStart = null;
            long sentAtWindowStart = 0;
            long cpuWindowStartNanos = 0;
            while (true) {
                long now = System.nanoTime();
                if (windowStart == null && now >= rampEnd) {
                    windowStart = scrape(base);
                    cpuWindowStartNanos = System.nanoTime();
                    sentAtWindowStart = stats.framesSent.sum();
                    stats.measuring = true;
                }
                if (now >= windowEnd) {
                    break;
                }
                for (MediaLoadClient c; (c = connected.poll()) != null; ) {
                    c.nextDueNanos = now;
                    live.add(c);
                }
                long nextWake = now + 1_000_000;
                for (int i = 0; i < live.size(); i++) {
                    MediaLoadClient c = live.get(i);
                    if (c.nextDueNanos <= now) {
                        stats.sendLag(now - c.nextDueNanos);
                        try {
                            c.tick(now);
                            c.nextDueNanos += 20_000_000;
                        } catch (IOException e) {
                            dropped.increment();
                            System.err.println("bench calls: call " + c.number + " dropped: " + e.getMessage()
                                    + (c.closeReason().isEmpty() ? "" : " (" + c.closeReason() + ")"));
                            c.closeQuietly();
                            live.remove(i--);
                            continue;
                        }
                    }
                    nextWake = Math.min(nextWake, c.nextDueNanos);
                }
                long sleep = nextWake - System.nanoTime();
                if (sleep > 0) {
                    LockSupport.parkNanos(sleep);
                }
            }
            stats.measuring = false;
            Map<String, Double> windowEndScrape = scrape(base);
            double windowSeconds = (System.nanoTime() - cpuWindowStartNanos) / 1e9;
            long sentInWindow = stats.framesSent.sum() - sentAtWindowStart;

            for (MediaLoadClient c : live) {
                try {
                    c.stop();
                } catch (IOException e) {
                    dropped.increment();
                }
            }
            dialer.join();
            long closeDeadline = System.nanoTime() + 15_000_000_000L;
            for (Thread t : List.copyOf(threads)) {
                long left = closeDeadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    break;
                }
            }
            long notClosed = live.stream().filter(c -> !c.closedByServer()).count();
            live.forEach(MediaLoadClient::closeQuietly);

            // The whole run's frames, once the last ones in flight are handled.
            long sent = stats.framesSent.sum();
            double handled = 0;
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline) {
                handled = scrape(base).getOrDefault(FRAME_METRIC + "_count", 0.0)
                        - before.getOrDefault(FRAME_METRIC + "_count", 0.0);
                if (handled >= sent) {
                    break;
                }
                Thread.sleep(250);
            }

            figures.put("calls", (double) n);
            figures.put("calls_connected", (double) (n - connectFailures.sum()));
            figures.put("calls_dropped", (double) dropped.sum());
            figures.put("calls_not_closed_after_stop", (double) notClosed);
            figures.put("window_seconds", windowSeconds);
            figures.put("frames_sent", (double) sent);
            figures.put("frames_handled", handled);
            Map<String, Double> window = delta(windowEndScrape, windowStart);
            double windowFrames = window.getOrDefault(FRAME_METRIC + "_count", 0.0);
            figures.put("window_frames_sent", (double) sentInWindow);
            figures.put("window_frames_handled", windowFrames);
            figures.put("frame_handling_p50_ms", quantile(window, FRAME_METRIC, 0.50) * 1000);
            figures.put("frame_handling_p99_ms", quantile(window, FRAME_METRIC, 0.99) * 1000);
            figures.put("frame_handling_p999_ms", quantile(window, FRAME_METRIC, 0.999) * 1000);
            figures.put("frames_over_20ms", windowFrames - window.getOrDefault(bucket(FRAME_METRIC, "0.02"), 0.0));
            double answersInside = window.getOrDefault(ANSWER_METRIC + "_count", 0.0);
            figures.put("answers_in_process", answersInside);
            figures.put("answer_in_process_p50_ms", quantile(window, ANSWER_METRIC, 0.50) * 1000);
            figures.put("answer_in_process_p99_ms", quantile(window, ANSWER_METRIC, 0.99) * 1000);
            figures.put("answers_in_process_over_50ms", answersInside - window.getOrDefault(bucket(ANSWER_METRIC, "0.05"), 0.0));
            figures.put("utterances", (double) stats.utterances.sum());
            figures.put("final_transcripts", (double) recognizer.finals.get());
            figures.put("speech_streams", (double) recognizer.streams.get());
            figures.put("unanswered_waits", (double) stats.unanswered.sum());
            List<Long> answers = new ArrayList<>(stats.answers);
            Collections.sort(answers);
            figures.put("answers_measured", (double) answers.size());
            figures.put("answer_p50_ms", percentile(answers, 50));
            figures.put("answer_p99_ms", percentile(answers, 99));
            figures.put("answer_max_ms", answers.isEmpty() ? Double.NaN : answers.get(answers.size() - 1) / 1e6);
            figures.put("frames_received", (double) stats.framesReceived.sum());
            figures.put("frames_received_malformed", (double) stats.framesMalformed.sum());
            figures.put("marks_received", (double) stats.marks.sum());
            figures.put("clears_received", (double) stats.clears.sum());
            double cpu = window.getOrDefault("process_cpu_seconds_total", Double.NaN);
            figures.put("calls_process_cpu_cores", cpu / windowSeconds);
            figures.put("cpu_percent_of_core_per_call", cpu / windowSeconds / n * 100);
            double rss = windowEndScrape.getOrDefault("process_resident_memory_bytes", Double.NaN);
            double idleRss = before.getOrDefault("process_resident_memory_bytes", Double.NaN);
            figures.put("calls_process_rss_mb", rss / 1e6);
            figures.put("calls_process_idle_rss_mb", idleRss / 1e6);
            figures.put("rss_per_call_kb", rss / n / 1e3);
            figures.put("rss_added_per_call_kb", (rss - idleRss) / n / 1e3);
            figures.put("calls_process_platform_threads", windowEndScrape.getOrDefault("jvm_threads_live", Double.NaN));
            figures.put("client_send_lag_p50_ms", lagPercentile(50));
            figures.put("client_send_lag_p99_ms", lagPercentile(99));
            if (process != null) {
                System.err.println("bench calls: the calls process's log is " + process.log);
            }
        }
        if (settings.callsUrl().isPresent()) {
            Thread.sleep(2000); // the calls' last jobs (their finalization) reach Redis after the stop
        }
        settings.redisUrl().ifPresent(url -> {
            try (var redis = dev.switchboard.adapters.redis.RedisConnections.connect(url)) {
                figures.put("bench_jobs_deleted", (double) new dev.switchboard.adapters.redis.RedisBenchmarkSupport(redis)
                        .purgeBusiness(dev.switchboard.ports.out.BusinessScope.BENCH, Bench.API_QUEUES));
            }
        });
        return figures;
    }

    private static String bucket(String metric, String le) {
        return metric + "_bucket{le=\"" + le + "\"}";
    }

    /** As Prometheus' histogram_quantile: linear within the bucket the rank falls in. */
    static double quantile(Map<String, Double> series, String metric, double q) {
        List<double[]> buckets = new ArrayList<>();
        String prefix = metric + "_bucket{le=\"";
        for (Map.Entry<String, Double> e : series.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                String le = e.getKey().substring(prefix.length(), e.getKey().length() - 2);
                buckets.add(new double[]{le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), e.getValue()});
            }
        }
        buckets.sort((a, b) -> Double.compare(a[0], b[0]));
        if (buckets.isEmpty() || buckets.get(buckets.size() - 1)[1] == 0) {
            return Double.NaN;
        }
        double rank = q * buckets.get(buckets.size() - 1)[1];
        double lowerBound = 0;
        double lowerCount = 0;
        for (double[] b : buckets) {
            if (b[1] >= rank) {
                if (Double.isInfinite(b[0])) {
                    return lowerBound;
                }
                return lowerBound + (b[0] - lowerBound) * (rank - lowerCount) / Math.max(1e-9, b[1] - lowerCount);
            }
            lowerBound = b[0];
            lowerCount = b[1];
        }
        return lowerBound;
    }

    private static Map<String, Double> delta(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> d = new HashMap<>();
        after.forEach((k, v) -> d.put(k, v - (before == null ? 0 : before.getOrDefault(k, 0.0))));
        return d;
    }

    /** The calls process's /metrics, one entry per series ({@code name{labels}} → value). */
    Map<String, Double> scrape(URI base) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + base.resolve("/metrics") + " answered " + r.statusCode()
                    + ": is it a calls role of this version, with its own port?");
        }
        Map<String, Double> series = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return series;
    }

    private static double percentile(List<Long> sortedNanos, int p) {
        if (sortedNanos.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sortedNanos.size()) - 1;
        return sortedNanos.get(Math.max(0, index)) / 1e6;
    }

    private double lagPercentile(int p) {
        long total = 0;
        for (long c : stats.lag) {
            total += c;
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(p / 100.0 * total);
        long seen = 0;
        for (int i = 0; i < stats.lag.length; i++) {
            seen += stats.lag[i];
            if (seen >= rank) {
                return (i + 1) / 10.0;
            }
        }
        return Double.NaN;
    }

    /** A calls process of this build, started for the run and stopped (SIGTERM) at its end. */
    static final class CallsProcess implements AutoCloseable {
        final Process process;
        final URI base;
        final Path log;

        private CallsProcess(Process process, URI base, Path log) {
            this.process = process;
            this.base = base;
            this.log = log;
        }

        static CallsProcess start(Settings settings, BenchSpeechServer recognizer) throws Exception {
            String redis = settings.redisUrl().orElseThrow(() -> new IllegalArgumentException(
                    "bench calls needs --redis-url (or REDIS_URL) to start a calls process, or --calls-url"));
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path log = Files.createTempFile("sb-bench-calls-", ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(settings.jvmOptions());
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("-cp");
            List<String> path = new ArrayList<>();
            for (String property : List.of("jdk.module.path", "java.class.path")) {
                String value = System.getProperty(property);
                if (value != null && !value.isBlank()) {
                    path.add(value);
                }
            }
            // A directory on the module path (./switchboard's target/modules) is a directory of jars.
            List<String> entries = new ArrayList<>();
            for (String p : String.join(java.io.File.pathSeparator, path).split(java.io.File.pathSeparator)) {
                Path entry = Path.of(p);
                if (Files.isDirectory(entry) && !Files.exists(entry.resolve("dev")) && !Files.exists(entry.resolve("META-INF"))) {
                    try (var jars = Files.list(entry)) {
                        jars.filter(j -> j.toString().endsWith(".jar")).forEach(j -> entries.add(j.toString()));
                    }
                } else {
                    entries.add(p);
                }
            }
            command.add(String.join(java.io.File.pathSeparator, entries));
            command.add("dev.switchboard.roles.calls.CallsRole");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            for (String unwanted : List.of("AI_BASE_URL", "TTS_BASE_URL", "TWILIO_AUTH_TOKEN", "CALLS_PUBLIC_URL",
                    "DATABASE_URL", "ENABLE_SCHEDULERS")) {
                env.remove(unwanted);
            }
            env.putAll(Map.of("SERVICE_ROLE", "calls", "REDIS_URL", redis, "PORT", Integer.toString(port),
                    "TWILIO_NUMBERS", "+15550000000:" + BUSINESS, "GOOGLE_SPEECH_ENDPOINT", recognizer.endpoint(),
                    "LOG_LEVEL", "WARN", "LOG_FORMAT", "text"));
            CallsProcess calls = new CallsProcess(builder.start(), URI.create("http://127.0.0.1:" + port), log);
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(calls.base.resolve("/health")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return calls;
                    }
                } catch (IOException e) {
                    // not up yet
                }
                if (!calls.process.isAlive() || System.nanoTime() > deadline) {
                    calls.close();
                    throw new IllegalStateException("the calls process did not come up; its log:\n" + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }
}
