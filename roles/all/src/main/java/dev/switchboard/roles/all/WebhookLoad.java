package dev.switchboard.roles.all;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Closed-loop load on the api: {@code concurrency} requests in flight, each a distinct WhatsApp
 * message (so each enqueues a job), for a fixed time. Reports requests/s and latency percentiles,
 * and, as a baseline from the same run against the same server, {@code GET /health} requests/s.
 * Uses the JDK HTTP client's asynchronous API; this module starts no threads of its own. The
 * webhooks are the reserved bench business's ({@code _bench}): the caller deletes its jobs after
 * the run.
 */
final class WebhookLoad {
    private final URI api;
    private final String secret;
    private final int concurrency;
    private final Duration duration;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WebhookLoad(URI api, String secret, int concurrency, Duration duration) {
        this.api = api;
        this.secret = secret;
        this.concurrency = concurrency;
        this.duration = duration;
    }

    Map<String, Double> run() throws InterruptedException {
        Map<String, Double> figures = new LinkedHashMap<>();
        Result baseline = load(Duration.ofSeconds(Math.max(5, duration.toSeconds() / 3)), i ->
                HttpRequest.newBuilder(api.resolve("/health")).GET().build());
        String run = Long.toString(System.nanoTime(), 36);
        Result webhooks = load(duration, i -> HttpRequest.newBuilder(api.resolve("/webhook/whatsapp/incoming"))
                .header("Content-Type", "application/json").header("X-Internal-Secret", secret)
                .POST(HttpRequest.BodyPublishers.ofString(message(run, i))).build());
        figures.put("baseline_health_requests_per_s", baseline.perSecond());
        figures.put("requests_per_s", webhooks.perSecond());
        figures.put("ratio_to_baseline", webhooks.perSecond() / baseline.perSecond());
        figures.put("p50_ms", webhooks.percentile(50));
        figures.put("p99_ms", webhooks.percentile(99));
        figures.put("errors", (double) webhooks.errors());
        figures.put("requests", (double) webhooks.latencies().size());
        return figures;
    }

    private record Result(List<Long> latencies, long errors, double seconds) {
        double perSecond() {
            return latencies.size() / seconds;
        }

        double percentile(int p) {
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
        }
    }

    private Result load(Duration length, java.util.function.LongFunction<HttpRequest> requests)
            throws InterruptedException {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        Semaphore inFlight = new Semaphore(concurrency);
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long i = 0;
        while (System.nanoTime() < end) {
            inFlight.acquire();
            long sent = System.nanoTime();
            CompletableFuture<HttpResponse<Void>> response =
                    http.sendAsync(requests.apply(i++), HttpResponse.BodyHandlers.discarding());
            response.whenComplete((r, e) -> {
                if (e == null && r.statusCode() == 200) {
                    latencies.add(System.nanoTime() - sent);
                } else {
                    errors.incrementAndGet();
                }
                inFlight.release();
            });
        }
        inFlight.acquire(concurrency);
        return new Result(latencies, errors.get(), (System.nanoTime() - start) / 1e9);
    }

    /** A distinct WhatsApp message of the reserved bench business, so the bench can delete what it enqueued. */
    static String message(String run, long i) {
        return """
                {"tenantId":"%s","payload":{"type":"notify","messages":[{"key":{"remoteJid":"5511999990000@s.whatsapp.net","fromMe":false,"id":"BENCH-%s-%d"},"messageTimestamp":1763853912,"message":{"conversation":"load test"}}]}}"""
                .formatted(dev.switchboard.ports.out.BusinessScope.BENCH, run, i);
    }
}
