package dev.switchboard.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible {@code POST /v1/audio/speech} (shared/specs/ai-chat-and-speech.md §6): checks
 * the bearer key, {@code input} (at most 4096 characters), {@code voice} and {@code response_format:
 * pcm}, and answers a deterministic 24 kHz s16le tone, 60 ms per word, written in 1 001-byte
 * pieces so samples are split across chunks.
 */
public final class FakeSpeechSynthServer implements AutoCloseable {
    public static final double TONE_HZ = 440;
    public final List<String> inputs = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final String key;

    public FakeSpeechSynthServer(String key) throws IOException {
        this.key = key;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/audio/speech", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!("Bearer " + key).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                error(exchange, 401, "invalid_api_key");
                return;
            }
            String input = field(body, "input");
            if (input == null || input.length() > 4096 || !"pcm".equals(field(body, "response_format"))
                    || field(body, "voice") == null) {
                error(exchange, 400, "invalid_request");
                return;
            }
            inputs.add(input);
            int samples = 24000 * 60 / 1000 * input.trim().split("\\s+").length;
            byte[] pcm = new byte[samples * 2];
            for (int i = 0; i < samples; i++) {
                short s = (short) Math.round(8000 * Math.sin(2 * Math.PI * TONE_HZ * i / 24000.0));
                pcm[2 * i] = (byte) s;
                pcm[2 * i + 1] = (byte) (s >> 8);
            }
            exchange.getResponseHeaders().set("Content-Type", "audio/pcm");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            for (int i = 0; i < pcm.length; i += 1001) {
                out.write(pcm, i, Math.min(1001, pcm.length - i));
                out.flush();
            }
        }
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    private static void error(HttpExchange exchange, int status, String code) throws IOException {
        byte[] b = ("{\"error\":{\"message\":\"" + code + "\",\"type\":\"invalid_request_error\",\"code\":\"" + code + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, b.length);
        exchange.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
