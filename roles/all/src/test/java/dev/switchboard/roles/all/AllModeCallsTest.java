package dev.switchboard.roles.all;

import dev.switchboard.testsupport.ChildJvm;
import dev.switchboard.testsupport.FreePorts;
import dev.switchboard.testsupport.PostgresFixture;
import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code SERVICE_ROLE=all} serves Twilio Media Streams on its one port, like the calls role: the
 * upgrade must be signed, the caller is greeted, and the call is logged by the worker inside.
 */
class AllModeCallsTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    @RegisterExtension
    static final PostgresFixture postgres = new PostgresFixture();
    private static final String TOKEN = "all-mode-twilio-token-0123456789abcdef";
    private static final String PUBLIC = "wss://calls.example.com";
    private static final String SID = "CA000000000000000000000000a11a11a1";

    @Test
    void allModeServesSignedMediaStreamsAndLogsTheCall() throws Exception {
        int port = FreePorts.next();
        Map<String, String> env = new HashMap<>(Map.of("SERVICE_ROLE", "all", "REDIS_URL", redis.url(),
                "DATABASE_URL", postgres.databaseUrl(), "PORT", Integer.toString(port), "TWILIO_AUTH_TOKEN", TOKEN,
                "PUBLIC_BASE_URL", "https://api.example.com", "CALLS_PUBLIC_URL", PUBLIC,
                "TWILIO_NUMBERS", "+5511999990000:biz-1", "LOG_FORMAT", "text"));
        try (ChildJvm all = ChildJvm.start(Switchboard.class.getName(), env);
             HttpClient http = HttpClient.newHttpClient()) {
            all.awaitOutput("api role listening on port " + port, Duration.ofSeconds(60));
            URI stream = URI.create("ws://127.0.0.1:" + port + "/ws/twilio/media");

            CompletionException unsigned = assertThrows(CompletionException.class, () -> http.newWebSocketBuilder()
                    .buildAsync(stream, new WebSocket.Listener() { }).orTimeout(10, TimeUnit.SECONDS).join());
            assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, unsigned.getCause())
                    .getResponse().statusCode());

            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket ws = http.newWebSocketBuilder().header("X-Twilio-Signature", sign(PUBLIC + "/ws/twilio/media"))
                    .buildAsync(stream, new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                received.add(text.toString());
                                text.setLength(0);
                            }
                            webSocket.request(1);
                            return null;
                        }
                    }).orTimeout(10, TimeUnit.SECONDS).join();
            send(ws, "{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
            send(ws, "{\"event\":\"start\",\"sequenceNumber\":\"1\",\"start\":{\"streamSid\":\"MZ1\",\"callSid\":\"" + SID
                    + "\",\"customParameters\":{\"CallSid\":\"" + SID + "\",\"BusinessId\":\"biz-1\","
                    + "\"From\":\"+5511988887777\",\"To\":\"+5511999990000\"}},\"streamSid\":\"MZ1\"}");
            byte[] frame = new byte[160];
            java.util.Arrays.fill(frame, (byte) 0xFF);          // μ-law silence
            String silence = Base64.getEncoder().encodeToString(frame);
            int media = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (media < 10 && System.nanoTime() < deadline) {
                send(ws, "{\"event\":\"media\",\"media\":{\"track\":\"inbound\",\"payload\":\"" + silence
                        + "\"},\"streamSid\":\"MZ1\"}");
                Thread.sleep(20);
                String m;
                while ((m = received.poll()) != null) {
                    media += m.contains("\"event\":\"media\"") ? 1 : 0;
                }
            }
            assertTrue(media >= 10, "greeted: " + media + " frames\n" + all.output());
            send(ws, "{\"event\":\"stop\",\"streamSid\":\"MZ1\",\"stop\":{\"callSid\":\"" + SID + "\"}}");

            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String outcome = null;
            while (outcome == null && System.nanoTime() < deadline) {
                try (Connection db = postgres.connect(); ResultSet row = db.createStatement().executeQuery(
                        "SELECT outcome FROM call_logs WHERE business_id = 'biz-1' AND call_sid = '" + SID + "'")) {
                    outcome = row.next() ? row.getString(1) : null;
                }
                Thread.sleep(200);
            }
            assertEquals("completed", outcome, all.output());
            ws.abort();
        }
    }

    private static void send(WebSocket ws, String text) {
        ws.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    private static String sign(String url) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(url.getBytes(StandardCharsets.UTF_8)));
    }
}
