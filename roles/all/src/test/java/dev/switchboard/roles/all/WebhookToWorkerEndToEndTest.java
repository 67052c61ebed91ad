package dev.switchboard.roles.all;

import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The walking skeleton, each role in its own process: a webhook posted twice to the api yields
 * one job in {@code rq:queue:default}; a worker process takes it, runs the domain's handler (the
 * lead and its message land in PostgreSQL) and marks it finished.
 */
class WebhookToWorkerEndToEndTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();
    private static final String SECRET = "e2e-secret-0123456789abcdef-0123456789";

    @Test
    void duplicateWebhookYieldsOneJobThatAWorkerProcessFinishes() throws Exception {
        int port = FreePorts.next();
        try (ChildJvm api = ChildJvm.start(Switchboard.class.getName(), Map.of("SERVICE_ROLE", "api",
                "REDIS_URL", redis.url(), "DATABASE_URL", postgres.databaseUrl(), "PORT", Integer.toString(port), "INTERNAL_WEBHOOK_SECRET", SECRET))) {
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
                    "REDIS_URL", redis.url(), "DATABASE_URL", postgres.databaseUrl(), "RQ_QUEUES", "high,default"))) {
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
        try (Connection db = postgres.connect();
             ResultSet row = db.createStatement().executeQuery("""
                     SELECT l.phone, l.name, m.message_id, m.text FROM leads l JOIN messages m ON m.lead_id = l.id
                     WHERE l.business_id = 't_42'""")) {
            assertTrue(row.next(), "the lead and its message are stored");
            assertEquals("+5511999990000", row.getString("phone"));
            assertEquals("Maria Silva", row.getString("name"));
            assertEquals("3EB0E2E", row.getString("message_id"));
            assertEquals("Oi, quero saber o preco do plano", row.getString("text"));
            assertTrue(!row.next(), "one message");
        }
        // Redis keeps jobs, leases and caches only: no conversation history there any more.
        assertEquals(List.of(), redis.commands().keys("switchboard:conversation:*"));
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
