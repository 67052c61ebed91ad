package dev.switchboard.roles.all;

import dev.switchboard.ports.out.BusinessScope;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench abuse}: are webhooks still answered while the api is abused? Two phases against the
 * same running api in one run: first webhooks alone at a steady rate (the unloaded baseline), then
 * the same webhooks while {@code slowConnections} connections sit on the server (half idle after a
 * partial request line, half trickling one header byte a second) and {@code scrapesPerSecond}
 * scrapes of {@code /metrics} and {@code /api/jobs/health} arrive. Reports each phase's webhook
 * latency percentiles, their p99 ratio, errors, the scrapes achieved, and how many slow
 * connections the server had closed by the end.
 *
 * <p>Driven from the calling thread: the JDK HTTP client's asynchronous API sends, and the slow
 * connections are non-blocking channels written from the same loop. The webhooks post as the
 * reserved bench business ({@link BusinessScope#BENCH}); the caller deletes its jobs afterwards.
 */
final class AbuseLoad {
    private final URI api;
    private final String secret;
    private final int rate;
    private final Duration duration;
    private final int slowConnections;
    private final int scrapesPerSecond;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AbuseLoad(URI api, String secret, int rate, Duration duration, int slowConnections, int scrapesPerSecond) {
        this.api = api;
        this.secret = secret;
        this.rate = rate;
        this.duration = duration;
        this.slowConnections = slowConnections;
        this.scrapesPerSecond = scrapesPerSecond;
    }

    Map<String, Double> run() throws IOException, InterruptedException {
        String run = Long.toString(System.nanoTime(), 36);
        phase(run + "w", Duration.ofSeconds(Math.min(3, duration.toSeconds())), List.of(), 0); // warm-up, unreported
        Phase baseline = phase(run + "b", duration, List.of(), 0);
        List<SocketChannel> slow = openSlowConnections();
        Phase abused;
        int closedByServer;
        try {
            abused = phase(run + "a", duration, slow, scrapesPerSecond);
        } finally {
            closedByServer = closeAll(slow);
        }
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("offered_webhooks_per_s", (double) rate);
        figures.put("baseline_p50_ms", baseline.percentile(50));
        figures.put("baseline_p99_ms", baseline.percentile(99));
        figures.put("baseline_errors", (double) baseline.errors);
        figures.put("abused_p50_ms", abused.percentile(50));
        figures.put("abused_p99_ms", abused.percentile(99));
        figures.put("abused_errors", (double) abused.errors);
        baseline.causes.forEach((cause, n) -> figures.put("baseline_errors_" + cause, (double) n.get()));
        abused.causes.forEach((cause, n) -> figures.put("abused_errors_" + cause, (double) n.get()));
        figures.put("p99_ratio_to_baseline", abused.percentile(99) / baseline.percentile(99));
        figures.put("webhooks_answered", (double) abused.latencies.size());
        figures.put("slow_connections", (double) slow.size());
        figures.put("slow_connections_closed_by_server", (double) closedByServer);
        figures.put("scrapes_per_s", abused.scrapes / abused.seconds);
        figures.put("scrape_errors", (double) abused.scrapeErrors.get());
        return figures;
    }

    private static final class Phase {
        final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long errors;
        long scrapes;
        final AtomicLong scrapeErrors = new AtomicLong();
        /** Failed webhooks by cause: an HTTP status, or the client's exception. */
        final Map<String, AtomicLong> causes = new java.util.concurrent.ConcurrentSkipListMap<>();
        double seconds;

        double percentile(int p) {
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
        }
    }

    /** Webhooks at {@code rate}/s (open loop), scrapes at {@code scrapes}/s, trickling {@code slow}. */
    private Phase phase(String run, Duration length, List<SocketChannel> slow, int scrapes) throws InterruptedException {
        Phase phase = new Phase();
        List<CompletableFuture<?>> pending = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        long start = System.nanoTime();
        long webhookEvery = 1_000_000_000L / Math.max(1, rate);
        long scrapeEvery = scrapes > 0 ? 1_000_000_000L / scrapes : 0;
        long trickleEvery = 50_000_000L;
        // Offsets from start, never absolute nanoTime values (which may be near either end of long).
        long nextWebhook = 0;
        long nextScrape = 0;
        long nextTrickle = 0;
        long i = 0;
        int trickled = 0;
        while (true) {
            long elapsed = System.nanoTime() - start;
            if (elapsed >= length.toNanos()) {
                break;
            }
            if (elapsed >= nextWebhook) {
                long sent = System.nanoTime();
                pending.add(http.sendAsync(webhook(run, i++), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((r, e) -> {
                            if (e == null && r.statusCode() == 200) {
                                phase.latencies.add(System.nanoTime() - sent);
                            } else {
                                errors.incrementAndGet();
                                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                                        ? e.getCause() : e;
                                String key = e == null ? "status_" + r.statusCode()
                                        : cause.getClass().getSimpleName().replaceAll("[^A-Za-z]", "").toLowerCase(java.util.Locale.ROOT);
                                phase.causes.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                            }
                        }));
                nextWebhook += webhookEvery;
            }
            if (scrapes > 0 && elapsed >= nextScrape) {
                String path = phase.scrapes % 2 == 0 ? "/metrics" : "/api/jobs/health";
                phase.scrapes++;
                pending.add(http.sendAsync(HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(30))
                        .GET().build(), HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                            // health is 503 when no scheduler runs: still an answer
                            if (e != null || (r.statusCode() != 200 && r.statusCode() != 503)) {
                                phase.scrapeErrors.incrementAndGet();
                            }
                        }));
                nextScrape += scrapeEvery;
            }
            if (!slow.isEmpty() && elapsed >= nextTrickle) {
                // One header byte on a twentieth of the trickling connections (the odd ones) every
                // 50 ms: each gets a byte a second.
                int batch = Math.max(1, slow.size() / 2 / 20);
                for (int k = 0; k < batch; k++) {
                    trickle(slow.get((2 * trickled + 1) % slow.size()));
                    trickled++;
                }
                nextTrickle += trickleEvery;
            }
            long due = nextWebhook;
            if (scrapes > 0) {
                due = Math.min(due, nextScrape);
            }
            if (!slow.isEmpty()) {
                due = Math.min(due, nextTrickle);
            }
            long wait = Math.min(due, length.toNanos()) - (System.nanoTime() - start);
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        phase.seconds = (System.nanoTime() - start) / 1e9;
        for (CompletableFuture<?> f : new ArrayList<>(pending)) {
            try {
                f.join();
            } catch (RuntimeException e) {
                // counted in whenComplete
            }
        }
        phase.errors = errors.get();
        return phase;
    }

    private HttpRequest webhook(String run, long i) {
        return HttpRequest.newBuilder(api.resolve("/webhook/whatsapp/incoming")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Internal-Secret", secret)
                .POST(HttpRequest.BodyPublishers.ofString(WebhookLoad.message(run, i))).build();
    }

    private List<SocketChannel> openSlowConnections() throws IOException {
        List<SocketChannel> channels = new ArrayList<>(slowConnections);
        InetSocketAddress address = new InetSocketAddress(api.getHost(), api.getPort());
        byte[] start = ("POST /webhook/whatsapp/incoming HTTP/1.1\r\nHost: " + api.getHost() + "\r\nX-Slow: ")
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < slowConnections; i++) {
            SocketChannel channel = SocketChannel.open(address);
            channel.write(ByteBuffer.wrap(start));
            channel.configureBlocking(false);
            channels.add(channel);
        }
        return channels;
    }

    private static void trickle(SocketChannel channel) {
        try {
            if (channel.isOpen()) {
                channel.write(ByteBuffer.wrap(new byte[] {'a'}));
            }
        } catch (IOException closed) {
            // the server gave up on it: counted when closing
            try {
                channel.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /** Closes every channel; returns how many the server had closed already (a read sees the end). */
    private static int closeAll(List<SocketChannel> channels) {
        int closedByServer = 0;
        ByteBuffer buffer = ByteBuffer.allocate(256);
        for (SocketChannel channel : channels) {
            try {
                if (!channel.isOpen()) {
                    closedByServer++;
                    continue;
                }
                buffer.clear();
                int read = channel.read(buffer);
                if (read != 0) {
                    closedByServer++; // -1: closed; > 0: the server answered (408/400) and will close
                }
            } catch (IOException e) {
                closedByServer++;
            } finally {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }
        return closedByServer;
    }
}
