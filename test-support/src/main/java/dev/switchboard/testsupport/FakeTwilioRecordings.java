package dev.switchboard.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Twilio's REST API for recordings on a local port, as twilio-java 13 and plain HTTP see it
 * (../shared/specs/twilio-calls-and-recordings.md §2, §3, §6), checking what Twilio checks:
 *
 * <ul>
 *   <li><b>Auth:</b> every request needs {@code Authorization: Basic base64(AccountSid:AuthToken)}
 *       (media included: "HTTP Basic Authentication for media" enforced), and the account in the path
 *       must be that one; otherwise {@code 401 {"code":20003,...}}.</li>
 *   <li>{@code GET /2010-04-01/Accounts/{AC}/Recordings/{RE}.wav} (or no extension): the recording
 *       as a RIFF WAV, 8 kHz 16-bit mono PCM ({@code audio/x-wav}); {@code RequestedChannels}
 *       may be 1 or 2 (2: both legs, the mono audio twice). {@code .mp3} answers 406 here: the fake
 *       has no MP3 encoder, and we never ask for MP3.</li>
 *   <li>{@code GET …/Recordings/{RE}.json}: the metadata.</li>
 *   <li>{@code DELETE …/Recordings/{RE}.json}: {@code 204}, then {@code 404 {"code":20404}} for that sid
 *       (also for media).</li>
 * </ul>
 * Scripting: {@link #failNextDeletes} answers the next deletes with a status (e.g. 500).
 */
public final class FakeTwilioRecordings implements AutoCloseable {
    private static final Pattern PATH = Pattern.compile(
            "/2010-04-01/Accounts/([^/]+)/Recordings/(RE[0-9a-zA-Z]+)(\\.json|\\.wav|\\.mp3)?");

    /** One request as received: method, path, query. */
    public record Received(String method, String path, String query) {
    }

    private record Stored(String callSid, byte[] pcm16, int sampleRate, Instant created) {
    }

    private final HttpServer server;
    private final String accountSid;
    private final String authToken;
    private final Map<String, Stored> recordings = new ConcurrentHashMap<>();
    private final Map<String, Boolean> deleted = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final AtomicInteger failDeletes = new AtomicInteger();
    private volatile int failDeleteStatus = 500;

    private FakeTwilioRecordings(String accountSid, String authToken) throws IOException {
        this.accountSid = accountSid;
        this.authToken = authToken;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakeTwilioRecordings start(String accountSid, String authToken) {
        try {
            return new FakeTwilioRecordings(accountSid, authToken);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The base to configure as {@code TWILIO_API_BASE_URL}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Stores a recording of {@code callSid}: 16-bit little-endian PCM samples, mono. */
    public void put(String recordingSid, String callSid, byte[] pcm16, int sampleRate) {
        recordings.put(recordingSid, new Stored(callSid, pcm16.clone(), sampleRate, Instant.now()));
        deleted.remove(recordingSid);
    }

    public boolean has(String recordingSid) {
        return recordings.containsKey(recordingSid);
    }

    /** The sids deleted through the API, and how often each delete was asked. */
    public Map<String, Boolean> deleted() {
        return Map.copyOf(deleted);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Requests refused for their credentials. */
    public int unauthorized() {
        return unauthorized.get();
    }

    public void failNextDeletes(int count, int status) {
        failDeleteStatus = status;
        failDeletes.set(count);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            received.add(new Received(method, path, query));
            Matcher m = PATH.matcher(path);
            if (!authorized(exchange, m.matches() ? m.group(1) : null)) {
                unauthorized.incrementAndGet();
                json(exchange, 401, error(20003, "Authenticate", 401));
                return;
            }
            if (!m.matches()) {
                json(exchange, 404, error(20404, "The requested resource " + path + " was not found", 404));
                return;
            }
            String sid = m.group(2);
            String extension = m.group(3) == null ? "" : m.group(3);
            Stored recording = recordings.get(sid);
            if (method.equals("DELETE") && extension.equals(".json")) {
                if (failDeletes.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    json(exchange, failDeleteStatus, error(20500, "Internal Server Error", failDeleteStatus));
                    return;
                }
                if (recording == null) {
                    json(exchange, 404, error(20404, "The requested resource " + path + " was not found", 404));
                    return;
                }
                recordings.remove(sid);
                deleted.put(sid, true);
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            if (!method.equals("GET")) {
                json(exchange, 405, error(20004, "Method not allowed", 405));
                return;
            }
            if (recording == null) {
                json(exchange, 404, error(20404, "The requested resource " + path + " was not found", 404));
                return;
            }
            switch (extension) {
                case ".json" -> json(exchange, 200, metadata(sid, recording));
                case ".mp3" -> json(exchange, 406, error(20001, "this fake serves WAV only", 406));
                default -> {
                    Map<String, String> params = query(query);
                    int channels = Integer.parseInt(params.getOrDefault("RequestedChannels", "1"));
                    if (channels != 1 && channels != 2) {
                        json(exchange, 400, error(20001, "RequestedChannels must be 1 or 2", 400));
                        return;
                    }
                    byte[] wav = wav(recording.pcm16(), recording.sampleRate(), channels);
                    exchange.getResponseHeaders().set("Content-Type", "audio/x-wav");
                    exchange.sendResponseHeaders(200, wav.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(wav);
                    }
                }
            }
        }
    }

    private boolean authorized(HttpExchange exchange, String pathAccount) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Basic ")) {
            return false;
        }
        byte[] expected = (accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8);
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, given) && accountSid.equals(pathAccount);
    }

    private String metadata(String sid, Stored r) {
        long seconds = r.pcm16().length / 2L / r.sampleRate();
        String base = "/2010-04-01/Accounts/" + accountSid + "/Recordings/" + sid;
        return "{\"account_sid\":\"" + accountSid + "\",\"api_version\":\"2010-04-01\",\"call_sid\":\"" + r.callSid()
                + "\",\"channels\":1,\"duration\":\"" + seconds + "\",\"sid\":\"" + sid
                + "\",\"source\":\"StartCallRecordingTwiML\",\"status\":\"completed\",\"media_url\":\"" + url() + base
                + "\",\"uri\":\"" + base + ".json\"}";
    }

    private static String error(int code, String message, int status) {
        return "{\"code\":" + code + ",\"message\":\"" + message.replace("\"", "'")
                + "\",\"more_info\":\"https://www.twilio.com/docs/errors/" + code + "\",\"status\":" + status + "}";
    }

    private static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            params.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** A RIFF WAV of 16-bit PCM; with 2 channels each sample is written to both. */
    public static byte[] wav(byte[] pcm16, int sampleRate, int channels) {
        int samples = pcm16.length / 2;
        int dataLength = samples * 2 * channels;
        ByteBuffer out = ByteBuffer.allocate(44 + dataLength).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataLength)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1)
                .putShort((short) channels).putInt(sampleRate).putInt(sampleRate * 2 * channels)
                .putShort((short) (2 * channels)).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataLength);
        for (int i = 0; i < samples; i++) {
            for (int c = 0; c < channels; c++) {
                out.put(pcm16[2 * i]).put(pcm16[2 * i + 1]);
            }
        }
        return out.array();
    }

    public Optional<String> callOf(String recordingSid) {
        return Optional.ofNullable(recordings.get(recordingSid)).map(Stored::callSid);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
