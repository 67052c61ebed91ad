package dev.switchboard.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Twilio's Calls REST API on a local port (../shared/specs/twilio-calls-and-recordings.md §1, §6),
 * checking what Twilio checks. Every request needs HTTP Basic auth of the account sid and auth token,
 * and the sid in the path must be that account's (else 401, code 20003).
 *
 * <ul>
 *   <li>{@code POST /2010-04-01/Accounts/{AC}/Calls.json}: a form body (repeated keys kept);
 *       {@code To} and {@code From} E.164 (else 400, 21211 / 21212), one of {@code Url},
 *       {@code Twiml} (at most 4000 characters) or {@code ApplicationSid} (else 400, 21205),
 *       {@code Timeout} 1..600, {@code StatusCallbackEvent} values from Twilio's list, absolute
 *       callback URLs (else 400, 21205); records the create and answers 201 with the Call JSON
 *       ({@code queued}, {@code outbound-api}, {@code CA} + 32 hex).</li>
 *   <li>{@code GET /2010-04-01/Accounts/{AC}/Calls.json?To=&From=&PageSize=}: the calls created,
 *       newest first, filtered by {@code To} and {@code From}, as one page.</li>
 *   <li>{@code POST /2010-04-01/Accounts/{AC}/Calls/{CallSid}.json} (update; a hang-up is
 *       {@code Status=completed}): a form body; {@code Status} must be {@code completed} or
 *       {@code canceled} (else 400, 21218), or a {@code Url} / {@code Twiml} given (else 400, 21205);
 *       a call the fake does not hold is 404 (20404), one that has ended is 400 (21220 "Call is not
 *       in-progress"); {@code completed} ends a queued, ringing or in-progress call, {@code canceled}
 *       only a queued or ringing one; answers 200 with the Call JSON.</li>
 * </ul>
 *
 * <p>Test hooks: {@link #answerNextCreates} (a 5xx or 429 for the next creates, with or without
 * the call having been created, as Twilio may queue a call and still answer 500),
 * {@link #delayNextCreates} (the answer comes late: the call exists from the moment the request
 * arrived), {@link #creates()} (every create request that reached the fake, including refused
 * ones) and {@link #calls()}; for updates {@link #callInProgress} (a call Twilio holds that the fake
 * did not create, e.g. an inbound one), {@link #status}, {@link #answerNextUpdates} (a 5xx for the
 * next updates, the call left as it was) and {@link #updates()}.
 */
public final class FakeTwilioCalls implements AutoCloseable {

    /** One create request as it arrived: its decoded form, and the sid of the call made (null when none). */
    public record Create(Map<String, List<String>> form, String callSid, int status, Instant at) {
        public String first(String name) {
            List<String> values = form.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** A call the fake holds. */
    public record FakeCall(String sid, String to, String from, String twiml, String statusCallback, Instant created) {
    }

    private record Fault(int status, boolean created) {
    }

    /** One update request as it arrived with valid credentials: the call's sid, its form, the status answered. */
    public record Update(String callSid, Map<String, List<String>> form, int status, Instant at) {
        public String first(String name) {
            List<String> values = form.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("/2010-04-01/Accounts/([^/]+)/Calls(?:/([^/.]+))?\\.json");
    private static final Set<String> ENDED = Set.of("completed", "busy", "failed", "no-answer", "canceled");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
    private static final Set<String> STATUS_EVENTS = Set.of("initiated", "ringing", "answered", "completed");
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final String accountSid;
    private final String expectedAuthorization;
    private final List<Create> creates = new CopyOnWriteArrayList<>();
    private final List<FakeCall> calls = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Fault> faults = new ConcurrentLinkedDeque<>();
    private final AtomicInteger delayedCreates = new AtomicInteger();
    private volatile Duration delay = Duration.ZERO;
    private final AtomicInteger lists = new AtomicInteger();
    private final List<Update> updates = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Integer> updateFaults = new ConcurrentLinkedDeque<>();
    private final Map<String, String> statuses = new java.util.concurrent.ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public static FakeTwilioCalls start(String accountSid, String authToken) {
        try {
            return new FakeTwilioCalls(accountSid, authToken, 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Twilio", e);
        }
    }

    /** On a given port (a child JVM's test restarts nothing, but a kill test may need a fixed one). */
    public static FakeTwilioCalls start(String accountSid, String authToken, int port) {
        try {
            return new FakeTwilioCalls(accountSid, authToken, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake Twilio on port " + port, e);
        }
    }

    private FakeTwilioCalls(String accountSid, String authToken, int port) throws IOException {
        this.accountSid = accountSid;
        this.expectedAuthorization = "Basic " + Base64.getEncoder()
                .encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123} ({@code TWILIO_API_BASE_URL}). */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code n} creates are answered {@code status} (Twilio's error JSON); {@code created}: the call is made anyway. */
    public void answerNextCreates(int n, int status, boolean created) {
        for (int i = 0; i < n; i++) {
            faults.add(new Fault(status, created));
        }
    }

    /** The next {@code n} creates make their call at once but are answered only after {@code delay}. */
    public void delayNextCreates(int n, Duration delay) {
        this.delay = delay;
        delayedCreates.set(n);
    }

    /** Every create request that reached the fake with valid credentials, in order. */
    public List<Create> creates() {
        return List.copyOf(creates);
    }

    public List<FakeCall> calls() {
        return List.copyOf(calls);
    }

    /** The fake holds call {@code sid} (made elsewhere, e.g. an inbound call) as {@code in-progress}. */
    public void callInProgress(String sid) {
        statuses.put(sid, "in-progress");
    }

    /** The call's status as the fake holds it ({@code queued} once created, {@code completed} once hung up), or null. */
    public String status(String sid) {
        return statuses.get(sid);
    }

    /** Sets a call's status, e.g. {@code completed} for a call the caller hung up. */
    public void setStatus(String sid, String status) {
        statuses.put(sid, status);
    }

    /** The next {@code n} updates are answered {@code status} (Twilio's error JSON) and change nothing. */
    public void answerNextUpdates(int n, int status) {
        for (int i = 0; i < n; i++) {
            updateFaults.add(status);
        }
    }

    /** Every update request that reached the fake with valid credentials, in order. */
    public List<Update> updates() {
        return List.copyOf(updates);
    }

    /** How many list requests were answered. */
    public int lists() {
        return lists.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
            if (!path.matches()) {
                error(exchange, 404, 20404, "The requested resource " + exchange.getRequestURI().getPath() + " was not found");
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !MessageDigest.isEqual(authorization.getBytes(StandardCharsets.UTF_8),
                    expectedAuthorization.getBytes(StandardCharsets.UTF_8)) || !path.group(1).equals(accountSid)) {
                error(exchange, 401, 20003, "Authenticate");
                return;
            }
            if (path.group(2) != null) {
                if (exchange.getRequestMethod().equals("POST")) {
                    update(exchange, path.group(2));
                } else {
                    error(exchange, 405, 20004, "Method not allowed");
                }
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "POST" -> create(exchange);
                case "GET" -> list(exchange);
                default -> error(exchange, 405, 20004, "Method not allowed");
            }
        }
    }

    private void create(HttpExchange exchange) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
            error(exchange, 400, 20001, "Content-Type must be application/x-www-form-urlencoded");
            return;
        }
        Map<String, List<String>> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Instant now = Instant.now();
        String problem = validate(form);
        if (problem != null) {
            int code = problem.startsWith("To") ? 21211 : problem.startsWith("From") ? 21212 : 21205;
            creates.add(new Create(form, null, 400, now));
            error(exchange, 400, code, problem);
            return;
        }
        Fault fault = faults.poll();
        String sid = null;
        FakeCall call = null;
        if (fault == null || fault.created()) {
            sid = "CA" + HexFormat.of().formatHex(bytes(16));
            call = new FakeCall(sid, first(form, "To"), first(form, "From"), first(form, "Twiml"),
                    first(form, "StatusCallback"), now);
            calls.add(call);
            statuses.put(sid, "queued");
        }
        creates.add(new Create(form, sid, fault == null ? 201 : fault.status(), now));
        if (delayedCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (fault != null) {
            error(exchange, fault.status(), fault.status() == 429 ? 20429 : 20500,
                    fault.status() == 429 ? "Too Many Requests" : "Internal Server Error");
            return;
        }
        send(exchange, 201, callJson(call));
    }

    private void update(HttpExchange exchange, String sid) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.startsWith("application/x-www-form-urlencoded")) {
            error(exchange, 400, 20001, "Content-Type must be application/x-www-form-urlencoded");
            return;
        }
        Map<String, List<String>> form = parse(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        Instant now = Instant.now();
        String wanted = first(form, "Status");
        if (wanted != null && !wanted.equals("completed") && !wanted.equals("canceled")) {
            updates.add(new Update(sid, form, 400, now));
            error(exchange, 400, 21218, "Invalid Status: " + wanted + " (completed or canceled)");
            return;
        }
        if (wanted == null && first(form, "Url") == null && first(form, "Twiml") == null) {
            updates.add(new Update(sid, form, 400, now));
            error(exchange, 400, 21205, "Status, Url or Twiml is required");
            return;
        }
        Integer fault = updateFaults.poll();
        if (fault != null) {
            updates.add(new Update(sid, form, fault, now));
            error(exchange, fault, fault == 429 ? 20429 : 20500, fault == 429 ? "Too Many Requests" : "Internal Server Error");
            return;
        }
        String status = statuses.get(sid);
        if (status == null) {
            updates.add(new Update(sid, form, 404, now));
            error(exchange, 404, 20404, "The requested resource /2010-04-01/Accounts/" + accountSid + "/Calls/" + sid
                    + ".json was not found");
            return;
        }
        if (ENDED.contains(status)) {
            updates.add(new Update(sid, form, 400, now));
            error(exchange, 400, 21220, "Call is not in-progress. Cannot redirect.");
            return;
        }
        if ("completed".equals(wanted)) {
            statuses.put(sid, "completed");
        } else if ("canceled".equals(wanted) && !status.equals("in-progress")) {
            statuses.put(sid, "canceled");
        }
        updates.add(new Update(sid, form, 200, now));
        FakeCall held = calls.stream().filter(c -> c.sid().equals(sid)).findFirst()
                .orElse(new FakeCall(sid, "+15005550006", "+15005550001", null, null, now));
        send(exchange, 200, callJson(held));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String validate(Map<String, List<String>> form) {
        String to = first(form, "To");
        if (to == null || !E164.matcher(to).matches()) {
            return "To: the phone number is invalid (21211)";
        }
        String from = first(form, "From");
        if (from == null || !E164.matcher(from).matches()) {
            return "From: the phone number is invalid (21212)";
        }
        String twiml = first(form, "Twiml");
        if (twiml == null && first(form, "Url") == null && first(form, "ApplicationSid") == null) {
            return "Url, Twiml or ApplicationSid is required";
        }
        if (twiml != null && twiml.length() > 4000) {
            return "Twiml must be 4000 characters or fewer";
        }
        String timeout = first(form, "Timeout");
        if (timeout != null) {
            try {
                int t = Integer.parseInt(timeout);
                if (t < 1 || t > 600) {
                    return "Timeout must be between 1 and 600";
                }
            } catch (NumberFormatException e) {
                return "Timeout must be a number";
            }
        }
        for (String event : form.getOrDefault("StatusCallbackEvent", List.of())) {
            if (!STATUS_EVENTS.contains(event)) {
                return "StatusCallbackEvent '" + event + "' is not one of " + STATUS_EVENTS;
            }
        }
        for (String name : List.of("StatusCallback", "Url")) {
            String url = first(form, name);
            if (url != null) {
                try {
                    URI uri = new URI(url);
                    if (!uri.isAbsolute() || uri.getHost() == null || uri.getHost().contains("_")) {
                        return name + " must be an absolute URL with a valid host";
                    }
                } catch (Exception e) {
                    return name + " is not a URL";
                }
            }
        }
        return null;
    }

    private void list(HttpExchange exchange) throws IOException {
        Map<String, List<String>> query = parse(exchange.getRequestURI().getRawQuery() == null ? ""
                : exchange.getRequestURI().getRawQuery());
        String to = first(query, "To");
        String from = first(query, "From");
        int pageSize = first(query, "PageSize") == null ? 50 : Integer.parseInt(first(query, "PageSize"));
        List<FakeCall> matching = new ArrayList<>(calls.stream()
                .filter(c -> to == null || c.to().equals(to))
                .filter(c -> from == null || c.from().equals(from))
                .toList());
        java.util.Collections.reverse(matching);
        ObjectNode page = JSON.createObjectNode();
        ArrayNode list = page.putArray("calls");
        matching.stream().limit(pageSize).forEach(c -> list.add(callJson(c)));
        String uri = exchange.getRequestURI().toString();
        page.put("uri", uri);
        page.put("first_page_uri", uri);
        page.putNull("next_page_uri");
        page.putNull("previous_page_uri");
        page.put("page", 0);
        page.put("page_size", pageSize);
        page.put("start", 0);
        page.put("end", Math.max(0, list.size() - 1));
        lists.incrementAndGet();
        send(exchange, 200, page);
    }

    private ObjectNode callJson(FakeCall call) {
        ObjectNode json = JSON.createObjectNode();
        json.put("sid", call.sid());
        json.put("account_sid", accountSid);
        json.put("to", call.to());
        json.put("from", call.from());
        json.put("status", statuses.getOrDefault(call.sid(), "queued"));
        json.put("direction", "outbound-api");
        json.put("api_version", "2010-04-01");
        json.put("date_created", RFC_2822.format(call.created()));
        json.put("date_updated", RFC_2822.format(call.created()));
        json.putNull("start_time");
        json.putNull("end_time");
        json.putNull("duration");
        json.putNull("price");
        json.put("uri", "/2010-04-01/Accounts/" + accountSid + "/Calls/" + call.sid() + ".json");
        json.putObject("subresource_uris");
        return json;
    }

    private static String first(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static Map<String, List<String>> parse(String body) {
        Map<String, List<String>> form = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return form;
        }
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return form;
    }

    private static void error(HttpExchange exchange, int status, int code, String message) throws IOException {
        ObjectNode json = JSON.createObjectNode();
        json.put("code", code);
        json.put("message", message);
        json.put("more_info", "https://www.twilio.com/docs/errors/" + code);
        json.put("status", status);
        send(exchange, status, json);
    }

    private static void send(HttpExchange exchange, int status, ObjectNode json) throws IOException {
        byte[] body = JSON.writeValueAsBytes(json);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
