package dev.switchboard.roles.all;

import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The walking skeleton, each role in its own process: a webhook posted twice to the api yields
 * one job in {@code rq:queue:default}; a worker process takes it, runs the domain's handler (the
 * message lands in the lead's conversation history) and marks it finished.
 */
class WebhookToWorkerEndToEndTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final String SECRET = "e2e-secret-0123456789abcdef-0123456789";

    @Test
    void duplicateWebhookYieldsOneJobThatAWorkerProcessFinishes() throws Exception {
        int port = FreePorts.next();
        try (ChildJvm api = ChildJvm.start(Switchboard.class.getName(), Map.of("SERVICE_ROLE", "api",
                "REDIS_URL", redis.url(), "PORT", Integer.toString(port), "INTERNAL_WEBHOOK_SECRET", SECRET))) {
            api.awaitOutput("api role listening on port " + port, Duration.ofSeconds(30));
            String body = """
                    {"tenantId":"t_42","payload":{"type":"notify","messages":[{
                      "key":{"remoteJid":"5511999990000@s.whatsapp.net","fromMe":false,"id":"3EB0E2E"},
                      "messageTimestamp":1763853912,"pushName":"Maria Silva",
                      "message":{"conversation":"Oi, quero saber o preco do plano"}}]}}""";
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/webhook/whatsapp/incoming"))
                        .header("Content-Type", "application/json").header("X-Internal-Secret", SECRET)
                        .header("X-Request-Id", "e2e-trace-1")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
            }
            assertEquals(1L, redis.commands().llen("rq:queue:default"), "the duplicate was folded");
            assertTrue(api.output().lines().anyMatch(line -> line.contains("whatsapp webhook enqueued=1")
                    && line.contains("\"trace_id\":\"e2e-trace-1\"") && line.contains("\"business_id\":\"t_42\"")),
                    api.output());
            String jobId = redis.commands().lindex("rq:queue:default", 0);

            try (ChildJvm worker = ChildJvm.start(Switchboard.class.getName(), Map.of("SERVICE_ROLE", "worker",
                    "REDIS_URL", redis.url(), "RQ_QUEUES", "high,default"))) {
                awaitStatus(jobId, "finished", Duration.ofSeconds(30), worker);
                worker.awaitOutput("job succeeded", Duration.ofSeconds(5));
                assertTrue(worker.output().contains("job_id=" + jobId + " job=webhook_process_job business_id=t_42"),
                        worker.output());
                // Structured logs: the worker's job lines carry the request's trace id and the business.
                assertTrue(worker.output().lines().anyMatch(line -> line.startsWith("{") && line.contains("job succeeded")
                        && line.contains("\"trace_id\":\"e2e-trace-1\"") && line.contains("\"business_id\":\"t_42\"")),
                        worker.output());
            }
        }
        assertEquals(0L, redis.commands().llen("rq:queue:default"));
        List<String> history = redis.commands().zrange("switchboard:conversation:t_42:5511999990000", 0, -1);
        assertEquals(List.of("3EB0E2E"), history);
        String entry = redis.commands().hget("switchboard:conversation:t_42:5511999990000:messages", "3EB0E2E");
        assertTrue(entry.contains("\"text\":\"Oi, quero saber o preco do plano\""), entry);
    }

    private static void awaitStatus(String jobId, String status, Duration timeout, ChildJvm worker) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (status.equals(redis.commands().hget("rq:job:" + jobId, "status"))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("job " + jobId + " is " + redis.commands().hget("rq:job:" + jobId, "status")
                + ", not " + status + "; worker output:\n" + worker.output());
    }
}
