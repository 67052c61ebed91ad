package dev.switchboard.adapters.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code GET /metrics}: Prometheus text format. Counts only; scrape it from the internal network.
 * The api's text is rendered at most once per {@code maxAge} (a second) and shared by every scrape
 * in that time, as the store reading behind it is: a flood of scrapes costs one rendering a second
 * (about 20 KB of text), not one per scrape, so it cannot starve the webhooks of CPU.
 */
public final class MetricsHttpService implements HttpService {
    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final long maxAgeNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private byte[] rendered;
    private long renderedAtNanos;

    public MetricsHttpService(SwitchboardMetrics metrics) {
        this(metrics, Duration.ofSeconds(1));
    }

    public MetricsHttpService(SwitchboardMetrics metrics, Duration maxAge) {
        this(metrics.registry(), maxAge);
    }

    /**
     * The calls role's {@code /metrics}, rendered per scrape: a few series read from memory (no
     * store reading behind them), and a load tool reading frame counts must see them exact.
     */
    public MetricsHttpService(CallsMetrics metrics) {
        this(metrics.registry(), Duration.ZERO);
    }

    private MetricsHttpService(PrometheusRegistry registry, Duration maxAge) {
        this.registry = registry;
        this.maxAgeNanos = maxAge.toNanos();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/metrics", (request, response) -> {
            response.header(HeaderNames.CONTENT_TYPE, writer.getContentType());
            response.send(text());
        });
    }

    private byte[] text() {
        lock.lock();
        try {
            if (rendered == null || System.nanoTime() - renderedAtNanos >= maxAgeNanos) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(32 * 1024);
                try {
                    writer.write(out, registry.scrape());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                rendered = out.toByteArray();
                renderedAtNanos = System.nanoTime();
            }
            return rendered;
        } finally {
            lock.unlock();
        }
    }
}
