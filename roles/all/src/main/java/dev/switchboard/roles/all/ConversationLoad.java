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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Open-loop load on the whole WhatsApp loop: a customer message posted to the api every
 * {@code 1/rate} seconds for a fixed time; each one's latency runs from just before its webhook is
 * sent to the moment its reply reaches the gateway stand-in ({@link DevGateway}, which this
 * workload runs; the system under test must send to it: {@code WHATSAPP_GATEWAY_URL}). The
 * embedded agent quotes the customer's message, which carries the message's number. The baseline
 * from the same run: the webhook's own HTTP round trip.
 */
final class ConversationLoad {
    private static final Pattern NUMBER = Pattern.compile("conversation-load (\\d+)");

    private final URI api;
    private final String secret;
    private final int gatewayPort;
    private final String gatewaySecret;
    private final int rate;
    private final Duration duration;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ConversationLoad(URI api, String secret, int gatewayPort, String gatewaySecret, int rate, Duration duration) {
        this.api = api;
        this.secret = secret;
        this.gatewayPort = gatewayPort;
        this.gatewaySecret = gatewaySecret;
        this.rate = rate;
        this.duration = duration;
    }

    Map<String, Double> run() throws Exception {
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> replyLatencies = Collections.synchronizedList(new ArrayList<>());
        List<Long> webhookLatencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong errors = new AtomicLong();
        AtomicLong unmatched = new AtomicLong();
        String run = Long.toString(System.currentTimeMillis(), 36);
        try (DevGateway gateway = DevGateway.start(gatewayPort, gatewaySecret, sent -> {
            Matcher m = NUMBER.matcher(sent.text());
            Long start = m.find() ? sentAt.get(Long.parseLong(m.group(1))) : null;
            if (start == null) {
                unmatched.incrementAndGet();
            } else {
                replyLatencies.add(sent.receivedNanos() - start);
            }
        })) {
            long interval = 1_000_000_000L / rate;
            long begin = System.nanoTime();
            long count = duration.toSeconds() * rate;
            for (long i = 0; i < count; i++) {
                long due = begin + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                long sent = System.nanoTime();
                sentAt.put(i, sent);
                http.sendAsync(HttpRequest.newBuilder(api.resolve("/webhook/whatsapp/incoming"))
                                .header("Content-Type", "application/json").header("X-Internal-Secret", secret)
                                .POST(HttpRequest.BodyPublishers.ofString(message(run, i))).build(),
                        HttpResponse.BodyHandlers.discarding())
                        .whenComplete((r, e) -> {
                            if (e == null && r.statusCode() == 200) {
                                webhookLatencies.add(System.nanoTime() - sent);
                            } else {
                                errors.incrementAndGet();
                            }
                        });
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (replyLatencies.size() + errors.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Map<String, Double> figures = new LinkedHashMap<>();
            figures.put("offered_per_s", (double) rate);
            figures.put("messages", (double) count);
            figures.put("replies", (double) replyLatencies.size());
            figures.put("webhook_errors", (double) errors.get());
            figures.put("replies_unmatched", (double) unmatched.get());
            figures.put("reply_p50_ms", percentile(replyLatencies, 50));
            figures.put("reply_p99_ms", percentile(replyLatencies, 99));
            figures.put("reply_max_ms", percentile(replyLatencies, 100));
            figures.put("baseline_webhook_p50_ms", percentile(webhookLatencies, 50));
            figures.put("baseline_webhook_p99_ms", percentile(webhookLatencies, 99));
            figures.put("reply_p99_to_webhook_p99", percentile(replyLatencies, 99) / percentile(webhookLatencies, 99));
            return figures;
        }
    }

    private static double percentile(List<Long> values, int p) {
        List<Long> sorted;
        synchronized (values) {
            sorted = new ArrayList<>(values);
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)) / 1e6;
    }

    /** Each message from its own customer, so every one makes a lead and gets its own reply. */
    private static String message(String run, long i) {
        return """
                {"tenantId":"bench-conversation","payload":{"type":"notify","messages":[{"key":{"remoteJid":"55119%08d@s.whatsapp.net","fromMe":false,"id":"CONV-%s-%d"},"pushName":"Load %d","message":{"conversation":"conversation-load %d"}}]}}"""
                .formatted(i, run, i, i, i);
    }
}
