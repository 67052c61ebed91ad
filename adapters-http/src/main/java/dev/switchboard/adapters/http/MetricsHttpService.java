package dev.switchboard.adapters.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** {@code GET /metrics}: Prometheus text format. Counts only; scrape it from the internal network. */
public final class MetricsHttpService implements HttpService {
    private final SwitchboardMetrics metrics;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public MetricsHttpService(SwitchboardMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/metrics", (request, response) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            try {
                writer.write(out, metrics.registry().scrape());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            response.header(HeaderNames.CONTENT_TYPE, writer.getContentType());
            response.send(out.toByteArray());
        });
    }
}
