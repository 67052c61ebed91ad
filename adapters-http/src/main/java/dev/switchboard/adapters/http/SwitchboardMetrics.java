package dev.switchboard.adapters.http;

import dev.switchboard.ports.out.EnqueueResult;
import dev.switchboard.ports.out.JobQueue;
import dev.switchboard.ports.out.JobRequest;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.List;
import java.util.Map;

/**
 * The api's Prometheus metrics: what the job store holds (queue depths, oldest-job ages, the
 * scheduler, workers, and the workers' per-job-type attempt counts and duration histograms; see
 * {@link JobStoreCollector}, one cached reading per scrape), enqueue outcomes by job, and HTTP
 * latency histograms. Uses the Prometheus Java client's
 * own registry (not the global one), so several servers in one JVM (tests, {@code all}) don't
 * collide. With exemplars and native histograms off, the client starts no threads (the api's
 * thread census checks it).
 */
public final class SwitchboardMetrics {
    /** Routes whose refusals count as rejected enqueues of their job. */
    private static final Map<String, String> JOB_OF_ROUTE = Map.of(
            "/webhook/whatsapp/incoming", "webhook_process_job",
            "/api/push", "push_send_job",
            "/api/broadcasts", "broadcast_job");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter enqueues;
    private final Histogram requests;

    public SwitchboardMetrics(OverviewCache overview) {
        enqueues = Counter.builder().name("switchboard_jobs_enqueue_total")
                .help("Enqueue attempts by job and outcome (enqueued, duplicate, rejected)")
                .labelNames("job", "outcome").withoutExemplars().register(registry);
        requests = Histogram.builder().name("switchboard_http_request_duration_seconds")
                .help("HTTP request latency by method, route and status")
                .labelNames("method", "route", "status")
                .classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
                // Exemplar sampling and native-histogram resets run on the client's own scheduler
                // thread; the api role starts no threads, so both stay off.
                .withoutExemplars()
                .register(registry);
        // Everything read from the job store comes from one cached reading per scrape.
        registry.register(new JobStoreCollector(overview));
    }

    /** The job queue, counting every enqueue's outcome. */
    public JobQueue counting(JobQueue queue) {
        return new JobQueue() {
            @Override
            public EnqueueResult enqueue(JobRequest request) {
                return enqueueAll(List.of(request)).getFirst();
            }

            @Override
            public List<EnqueueResult> enqueueAll(List<JobRequest> requests) {
                List<EnqueueResult> results;
                try {
                    results = queue.enqueueAll(requests);
                } catch (RuntimeException e) {
                    requests.forEach(request -> enqueues.labelValues(request.name(), "rejected").inc());
                    throw e;
                }
                for (int i = 0; i < results.size(); i++) {
                    enqueues.labelValues(requests.get(i).name(),
                            results.get(i) instanceof EnqueueResult.Enqueued ? "enqueued" : "duplicate").inc();
                }
                return results;
            }

            @Override
            public java.util.Optional<String> dedupeHolder(String dedupeKey) {
                return queue.dedupeHolder(dedupeKey);
            }
        };
    }

    void requestRefused(String path) {
        String job = JOB_OF_ROUTE.get(path);
        if (job != null) {
            enqueues.labelValues(job, "rejected").inc();
        }
    }

    private static final java.util.Set<String> METHODS = java.util.Set.of("GET", "POST", "PUT", "DELETE", "PATCH",
            "HEAD", "OPTIONS");

    void observe(String method, String path, int status, double seconds) {
        // Every label value comes from a fixed set: clients cannot create series.
        requests.labelValues(METHODS.contains(method) ? method : "other", route(path), Integer.toString(status))
                .observe(seconds);
    }

    PrometheusRegistry registry() {
        return registry;
    }

    /** A bounded set of route labels: ids in paths become {id}; unknown paths are "other". */
    static String route(String path) {
        if (JOB_OF_ROUTE.containsKey(path) || path.equals("/health") || path.equals("/metrics")
                || path.equals("/api/jobs") || path.equals("/api/jobs/health") || path.equals("/api/jobs/stats")
                || path.equals("/api/workers") || path.equals("/webhook/twilio/voice")
                || path.equals("/webhook/twilio/status") || path.equals("/webhook/twilio/recording")
                || path.equals("/dashboard")) {
            return path;
        }
        if (path.startsWith("/api/jobs/")) {
            return path.endsWith("/cancel") ? "/api/jobs/{id}/cancel"
                    : path.endsWith("/requeue") ? "/api/jobs/{id}/requeue" : "/api/jobs/{id}";
        }
        if (path.startsWith("/api/runs/")) {
            return "/api/runs/{id}/cancel";
        }
        if (path.startsWith("/dashboard/")) {
            return "/dashboard/{asset}";
        }
        return "other";
    }
}
