package dev.switchboard.roles.calls;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Twilio: opens a Media Streams WebSocket with the JDK's client and speaks Twilio's side of
 * the protocol (shared/specs/twilio-media-streams.md §3): connected, start, media every 20 ms
 * (chunk, timestamp and sequence numbers as strings), dtmf, mark echoes, stop. Collects what the
 * server sends.
 */
final class TwilioMediaClient implements AutoCloseable {
    static final String STREAM_SID = "MZ18ad3ab5a668481ce02b83e7395059f0";
    private static final Pattern EVENT = Pattern.compile("\"event\"\\s*:\\s*\"([a-z]+)\"");
    private static final Pattern PAYLOAD = Pattern.compile("\"payload\"\\s*:\\s*\"([A-Za-z0-9+/=]*)\"");
    private static final Pattern NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern SID = Pattern.compile("\"streamSid\"\\s*:\\s*\"([^\"]*)\"");

    final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final WebSocket ws;
    private int sequence;
    private int chunk;
    private final boolean echoMarks;

    TwilioMediaClient(HttpClient http, int port, boolean echoMarks) {
        this(http, port, echoMarks, Map.of());
    }

    /** @param headers sent with the upgrade, e.g. Twilio's {@code X-Twilio-Signature} */
    TwilioMediaClient(HttpClient http, int port, boolean echoMarks, Map<String, String> headers) {
        this.echoMarks = echoMarks;
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        this.ws = builder.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/twilio/media"), new Listener())
                .orTimeout(10, TimeUnit.SECONDS).join();
    }

    TwilioMediaClient connectedAndStart(String callSid, String businessId) {
        send("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
        send("{\"event\":\"start\",\"sequenceNumber\":\"" + (++sequence) + "\",\"start\":{\"accountSid\":\"AC0123\","
                + "\"streamSid\":\"" + STREAM_SID + "\",\"callSid\":\"" + callSid + "\",\"tracks\":[\"inbound\"],"
                + "\"customParameters\":{\"CallSid\":\"" + callSid + "\",\"BusinessId\":\"" + businessId
                + "\",\"From\":\"+5511988887777\",\"To\":\"+5511999990000\",\"TraceId\":\"t-1\"},"
                + "\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\",\"sampleRate\":8000,\"channels\":1}},"
                + "\"streamSid\":\"" + STREAM_SID + "\"}");
        return this;
    }

    void media(byte[] mulaw) {
        chunk++;
        send("{\"event\":\"media\",\"sequenceNumber\":\"" + (++sequence) + "\",\"media\":{\"track\":\"inbound\",\"chunk\":\""
                + chunk + "\",\"timestamp\":\"" + (chunk * 20) + "\",\"payload\":\"" + Base64.getEncoder().encodeToString(mulaw)
                + "\"},\"streamSid\":\"" + STREAM_SID + "\"}");
    }

    void silence(int frames) {
        byte[] frame = new byte[160];
        java.util.Arrays.fill(frame, (byte) 0xFF);
        for (int i = 0; i < frames; i++) {
            media(frame);
        }
    }

    void stop() {
        send("{\"event\":\"stop\",\"sequenceNumber\":\"" + (++sequence) + "\",\"streamSid\":\"" + STREAM_SID
                + "\",\"stop\":{\"accountSid\":\"AC0123\",\"callSid\":\"CA1\"}}");
    }

    /**
     * One message at a time: the JDK's WebSocket refuses a send while another is pending ("Send
     * pending"), and mark echoes go out from the listener's thread while the test sends media.
     */
    void send(String text) {
        send(ws, text);
    }

    private synchronized void send(WebSocket socket, String text) {
        socket.sendText(text, true).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** The server's messages so far, waiting up to {@code wait} for at least {@code atLeast}. */
    List<String> messages(int atLeast, Duration wait) throws InterruptedException {
        List<String> all = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        while (all.size() < atLeast) {
            String m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                break;
            }
            all.add(m);
        }
        received.drainTo(all);
        return all;
    }

    int awaitClose(Duration wait) {
        return closed.orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    static String event(String message) {
        Matcher m = EVENT.matcher(message);
        return m.find() ? m.group(1) : "";
    }

    static String streamSid(String message) {
        Matcher m = SID.matcher(message);
        return m.find() ? m.group(1) : "";
    }

    static byte[] payload(String message) {
        Matcher m = PAYLOAD.matcher(message);
        return m.find() ? Base64.getDecoder().decode(m.group(1)) : new byte[0];
    }

    @Override
    public void close() {
        if (!ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                received.add(message);
                if (echoMarks && event(message).equals("mark")) {
                    Matcher n = NAME.matcher(message);
                    if (n.find()) {
                        send(webSocket, "{\"event\":\"mark\",\"sequenceNumber\":\"0\",\"streamSid\":\"" + STREAM_SID
                                + "\",\"mark\":{\"name\":\"" + n.group(1) + "\"}}");
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            received.add("BINARY");
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }
    }

    /** A calls role's environment on the Redis at {@code redisUrl}, with {@code pairs} added. */
    static Map<String, String> env(String redisUrl, String... pairs) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("SERVICE_ROLE", "calls", "REDIS_URL", redisUrl,
                "PORT", "0", "TWILIO_NUMBERS", "+5511999990000:biz-1"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }
}
