package dev.switchboard.adapters.http;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * The calls role's Prometheus metrics ({@code GET /metrics} on its own port): how long each
 * inbound media frame took to handle, how soon each answer of the agent started, calls in progress, and the process's CPU time, resident
 * memory and platform threads, so that cost per call can be read off one scrape
 * ({@code ./switchboard bench calls} does; docs/twilio.md). Its own registry, exemplars off and
 * classic buckets only: the Prometheus client starts no thread.
 */
public final class CallsMetrics {
    /** Fine at the bottom: a frame is handled in tens of microseconds when all is well. */
    private static final double[] FRAME_BUCKETS = {0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01,
            0.02, 0.05, 0.1, 0.25, 1};

    /** Fine around the 50 ms that issue 11 allows our share of an answer's latency. */
    private static final double[] ANSWER_BUCKETS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05,
            0.075, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram frames;
    private final Histogram answers;
    private volatile IntSupplier activeCalls = () -> 0;

    public CallsMetrics() {
        answers = Histogram.builder().name("switchboard_calls_answer_start_seconds")
                .help("The agent's answers: from the caller's final transcript reaching its call to the answer's first"
                        + " audio frame handed to the socket (the AI and speech synthesis included)")
                .classicOnly().classicUpperBounds(ANSWER_BUCKETS).withoutExemplars().register(registry);
        frames = Histogram.builder().name("switchboard_calls_media_frame_seconds")
                .help("Inbound media frames: from the frame's arrival at the stream's listener to the end of its"
                        + " handling (JSON, base64, the call's work)")
                .classicOnly().classicUpperBounds(FRAME_BUCKETS).withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("switchboard_calls_active").help("Calls in progress")
                .callback(cb -> cb.call(this.activeCalls.getAsInt())).register(registry);
        CounterWithCallback.builder().name("process_cpu_seconds_total").help("CPU time of this process (user and system)")
                .callback(cb -> cb.call(cpuSeconds())).register(registry);
        GaugeWithCallback.builder().name("process_resident_memory_bytes").help("Resident set size of this process")
                .callback(cb -> {
                    long rss = residentBytes();
                    if (rss >= 0) {
                        cb.call(rss);
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("jvm_threads_live").help("Live platform threads (virtual threads are not counted)")
                .callback(cb -> cb.call(ManagementFactory.getThreadMXBean().getThreadCount())).register(registry);
    }

    /** Where the calls in progress are counted; none until set. */
    public void activeCalls(IntSupplier activeCalls) {
        this.activeCalls = activeCalls;
    }

    /** One answer's first frame went out {@code nanos} after the caller's final transcript arrived. */
    public void answerStarted(long nanos) {
        answers.observe(nanos / 1e9);
    }

    /** One media frame handled in {@code nanos}. */
    public void mediaFrameHandled(long nanos) {
        frames.observe(nanos / 1e9);
    }

    PrometheusRegistry registry() {
        return registry;
    }

    private static double cpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long nanos = os.getProcessCpuTime();
            return nanos < 0 ? 0 : nanos / 1e9;
        }
        return 0;
    }

    /** VmRSS from /proc (Linux), or -1 where there is none. */
    private static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
