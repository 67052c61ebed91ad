package dev.switchboard.adapters.media.twilio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.ports.in.ConnectMediaStreamUseCase;
import dev.switchboard.ports.in.MediaStreamSession;
import dev.switchboard.ports.in.MediaStreamStart;
import dev.switchboard.ports.out.CallWebhookSignatures;
import dev.switchboard.ports.out.MediaStreamOutput;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One Twilio Media Streams WebSocket ({@code <Connect><Stream>}, bidirectional;
 * shared/specs/twilio-media-streams.md): parses Twilio's JSON text frames into a
 * {@link MediaStreamSession} and writes our {@code media}, {@code mark} and {@code clear} back,
 * each with the stream's {@code streamSid}, one writer at a time.
 *
 * <p>What Twilio never sends ends the stream, logged: a binary frame, a frame over
 * {@link #MAX_FRAME_CHARS}, text that is not a JSON object, an unknown {@code event}, a
 * {@code media} payload that is not base64. Ordering rules (media before start) are the session's.
 * Helidon calls a listener from its connection's thread, one frame at a time.
 *
 * <p>With an {@link UpgradeSignature}, the upgrade itself must carry Twilio's
 * {@code X-Twilio-Signature} over the stream's public {@code wss://} URL and no parameters
 * (shared/specs/twilio-media-streams.md §1, checked with the Twilio SDK's {@code RequestValidator});
 * a missing or wrong one is refused before any session exists, and {@link #refusedUpgrades} answers
 * it {@code 403 {"error": ...}}.
 */
public final class TwilioMediaStreamListener implements WsListener {
    /** The path Twilio connects to; the api's TwiML names it under {@code CALLS_PUBLIC_URL}. */
    public static final String PATH = "/ws/twilio/media";
    /** A 20 ms frame is about 400 characters; 1 s of audio in one message about 11 000. */
    public static final int MAX_FRAME_CHARS = 64 * 1024;

    private static final Logger LOG = Logger.getLogger(TwilioMediaStreamListener.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    static final HeaderName SIGNATURE_HEADER = HeaderNames.create("X-Twilio-Signature");
    /** Refused upgrades are usually configuration, repeated on every call: logged once a minute. */
    private static final AtomicLong LAST_REFUSAL_LOG = new AtomicLong();

    /**
     * Twilio's proof on a stream's upgrade: {@code X-Twilio-Signature} over {@code streamUrl}
     * (e.g. {@code wss://calls.example.com/ws/twilio/media}) with no parameters.
     */
    public record UpgradeSignature(CallWebhookSignatures signatures, String streamUrl) {
        public UpgradeSignature {
            Objects.requireNonNull(signatures, "signatures");
            Objects.requireNonNull(streamUrl, "streamUrl");
        }

        /** Why an upgrade with these headers is refused, or empty when it is Twilio's. */
        Optional<String> refusal(Headers headers) {
            Optional<String> signature = headers.first(SIGNATURE_HEADER).filter(v -> !v.isEmpty());
            if (signature.isEmpty()) {
                return Optional.of("missing " + SIGNATURE_HEADER.defaultCase());
            }
            return signatures.isValid(streamUrl, Map.of(), signature.get()) ? Optional.empty()
                    : Optional.of(SIGNATURE_HEADER.defaultCase() + " does not match " + streamUrl);
        }
    }

    /**
     * Told how long each inbound {@code media} frame took to handle: from the moment Helidon hands
     * its (first) text fragment to the listener to the moment the session is done with it (JSON
     * parsing, base64, the session's work). Time the frame waited in the socket for a thread is not
     * in it. Called on the connection's thread; must be cheap.
     */
    @FunctionalInterface
    public interface FrameTimings {
        FrameTimings NONE = nanos -> { };

        void mediaHandled(long nanos);
    }

    private final ConnectMediaStreamUseCase streams;
    private final Optional<UpgradeSignature> upgradeSignature;
    private final FrameTimings timings;
    private final StringBuilder partial = new StringBuilder();
    private long frameArrivedNanos;
    private Output output;
    private MediaStreamSession session;

    public TwilioMediaStreamListener(ConnectMediaStreamUseCase streams) {
        this(streams, Optional.empty());
    }

    public TwilioMediaStreamListener(ConnectMediaStreamUseCase streams, Optional<UpgradeSignature> upgradeSignature) {
        this(streams, upgradeSignature, FrameTimings.NONE);
    }

    public TwilioMediaStreamListener(ConnectMediaStreamUseCase streams, Optional<UpgradeSignature> upgradeSignature,
                                     FrameTimings timings) {
        this.streams = streams;
        this.upgradeSignature = Objects.requireNonNull(upgradeSignature, "upgradeSignature");
        this.timings = Objects.requireNonNull(timings, "timings");
    }

    /** The WebSocket routing of {@link #PATH}, accepting any upgrade: one listener per connection. */
    public static WsRouting.Builder routing(ConnectMediaStreamUseCase streams) {
        return routing(streams, Optional.empty());
    }

    /** The WebSocket routing of {@link #PATH}; with a signature, only Twilio's signed upgrades. */
    public static WsRouting.Builder routing(ConnectMediaStreamUseCase streams, Optional<UpgradeSignature> signature) {
        return routing(streams, signature, FrameTimings.NONE);
    }

    /** As {@link #routing(ConnectMediaStreamUseCase, Optional)}, telling {@code timings} of each media frame. */
    public static WsRouting.Builder routing(ConnectMediaStreamUseCase streams, Optional<UpgradeSignature> signature,
                                            FrameTimings timings) {
        return WsRouting.builder().endpoint(PATH, () -> new TwilioMediaStreamListener(streams, signature, timings));
    }

    /**
     * The HTTP side of {@link #PATH}: what a refused upgrade (Helidon hands it on to HTTP routing)
     * or a plain GET gets. {@code 403 {"error"}} when the signature is missing or wrong,
     * {@code 426} (Upgrade Required) otherwise: the path serves WebSocket upgrades only.
     */
    public static HttpService refusedUpgrades(Optional<UpgradeSignature> signature) {
        return rules -> rules.any(PATH, (request, response) -> {
            Optional<String> refused = signature.flatMap(s -> s.refusal(request.headers()));
            Status status = refused.isPresent() ? Status.FORBIDDEN_403 : Status.UPGRADE_REQUIRED_426;
            String why = refused.map(r -> "media stream upgrade refused: " + r)
                    .orElse("this path serves Twilio Media Streams WebSocket upgrades only");
            response.status(status);
            response.header(HeaderNames.CONTENT_TYPE, "application/json");
            response.send(JSON.createObjectNode().put("error", why).toString().getBytes(StandardCharsets.UTF_8));
        });
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        if (upgradeSignature.isPresent()) {
            Optional<String> refused = upgradeSignature.get().refusal(headers);
            if (refused.isPresent()) {
                long now = System.nanoTime();
                long last = LAST_REFUSAL_LOG.get();
                if (now - last > 60_000_000_000L && LAST_REFUSAL_LOG.compareAndSet(last, now)) {
                    LOG.warning("media stream upgrade refused (403): " + refused.get() + " (is CALLS_PUBLIC_URL the URL"
                            + " Twilio streams to, and TWILIO_AUTH_TOKEN its account's token?)");
                }
                throw new WsUpgradeException(refused.get());
            }
        }
        return Optional.empty();
    }

    @Override
    public void onOpen(WsSession ws) {
        output = new Output(ws);
        session = streams.connect(output);
    }

    @Override
    public void onMessage(WsSession ws, String text, boolean last) {
        if (partial.isEmpty()) {
            frameArrivedNanos = System.nanoTime();
        }
        if (partial.length() + text.length() > MAX_FRAME_CHARS) {
            refuse("frame over " + MAX_FRAME_CHARS + " characters");
            return;
        }
        if (!last) {
            partial.append(text);
            return;
        }
        String frame = partial.isEmpty() ? text : partial.append(text).toString();
        partial.setLength(0);
        try {
            dispatch(JSON.readTree(frame));
        } catch (JsonProcessingException e) {
            refuse("malformed JSON frame: " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            refuse(e.getMessage());
        }
    }

    @Override
    public void onMessage(WsSession ws, BufferData buffer, boolean last) {
        refuse("binary frame (Twilio sends JSON text frames only)");
    }

    @Override
    public void onClose(WsSession ws, int status, String reason) {
        output.closed();
        session.ended("socket closed (" + status + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
    }

    @Override
    public void onError(WsSession ws, Throwable t) {
        output.closed();
        session.ended("socket failed: " + t);
    }

    private void dispatch(JsonNode frame) {
        if (!frame.isObject()) {
            throw new IllegalArgumentException("frame is not a JSON object");
        }
        String event = frame.path("event").asText("");
        switch (event) {
            case "connected" -> { }
            case "start" -> {
                JsonNode start = frame.path("start");
                String streamSid = text(start, "streamSid", text(frame, "streamSid", null));
                String callSid = text(start, "callSid", null);
                if (streamSid == null || callSid == null) {
                    throw new IllegalArgumentException("start without streamSid or callSid");
                }
                Map<String, String> params = new HashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = start.path("customParameters").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    params.put(e.getKey(), e.getValue().asText());
                }
                output.streamSid = streamSid;
                session.started(new MediaStreamStart(streamSid, callSid, params));
            }
            case "media" -> {
                JsonNode media = frame.path("media");
                if (!"inbound".equals(media.path("track").asText("inbound"))) {
                    return;
                }
                session.media(Base64.getDecoder().decode(media.path("payload").asText("")));
                timings.mediaHandled(System.nanoTime() - frameArrivedNanos);
            }
            case "mark" -> session.mark(frame.path("mark").path("name").asText(""));
            case "dtmf" -> session.dtmf(frame.path("dtmf").path("digit").asText(""));
            case "stop" -> session.stopped();
            default -> throw new IllegalArgumentException("unknown event '" + truncated(event) + "'");
        }
    }

    private void refuse(String why) {
        LOG.warning("media stream " + (output.streamSid == null ? "(not started)" : output.streamSid) + ": " + why
                + "; ending it");
        session.ended(why);
        output.close(why);
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? fallback : v.asText();
    }

    private static String truncated(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    /**
     * Our side of the socket: one writer at a time, nothing after close. A lock, not
     * {@code synchronized}: the writers are virtual threads, and on JDK 21 one blocked in a socket
     * write inside {@code synchronized} would pin its carrier thread.
     *
     * <p>A peer that stops reading leaves a writer blocked in {@code ws.send}, holding the lock,
     * until TCP gives up (minutes). {@link #close} waits for it at most {@link #CLOSE_WAIT_MS}, then
     * interrupts it: a virtual thread interrupted in socket I/O has its socket closed, which ends
     * the write, the connection and the wait.
     */
    private static final class Output implements MediaStreamOutput {
        private static final long CLOSE_WAIT_MS = 1000;
        private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();
        private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        private final WsSession ws;
        private volatile String streamSid;
        private volatile boolean open = true;
        /** The thread in {@code ws.send} now, if any. */
        private volatile Thread writer;

        Output(WsSession ws) {
            this.ws = ws;
        }

        @Override
        public void media(byte[] mulaw) {
            ObjectNode m = message("media");
            m.putObject("media").put("payload", Base64.getEncoder().encodeToString(mulaw));
            send(m);
        }

        @Override
        public void mark(String name) {
            ObjectNode m = message("mark");
            m.putObject("mark").put("name", name);
            send(m);
        }

        @Override
        public void clear() {
            send(message("clear"));
        }

        @Override
        public void close(String reason) {
            if (!closing.compareAndSet(false, true)) {
                return;
            }
            boolean wasOpen = open;
            open = false;   // no new write starts
            if (!lockWithin(CLOSE_WAIT_MS)) {
                Thread stuck = writer;
                LOG.warning("media stream " + streamSid + ": a write has not finished in " + CLOSE_WAIT_MS
                        + " ms (the peer is not reading); aborting the connection");
                if (stuck != null) {
                    stuck.interrupt();
                }
                if (!lockWithin(CLOSE_WAIT_MS)) {
                    return;   // still stuck (not a virtual thread): nothing more to write anyway
                }
            }
            try {
                if (wasOpen) {
                    String r = reason.length() > 100 ? reason.substring(0, 100) : reason;
                    ws.close(WsCloseCodes.NORMAL_CLOSE, r);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "closing a media stream socket", e);
            } finally {
                writing.unlock();
            }
        }

        private boolean lockWithin(long millis) {
            try {
                return writing.tryLock(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        void closed() {
            open = false;
        }

        private ObjectNode message(String event) {
            ObjectNode m = JSON.createObjectNode();
            m.put("event", event);
            m.put("streamSid", streamSid);
            return m;
        }

        private void send(ObjectNode message) {
            writing.lock();
            try {
                if (!open || streamSid == null) {
                    return;
                }
                writer = Thread.currentThread();
                ws.send(message.toString(), true);
            } catch (RuntimeException e) {
                // The peer went away mid-write: onClose/onError follows, or the reaper finds it.
                open = false;
                LOG.log(Level.FINE, "media stream send failed", e);
            } finally {
                writer = null;
                writing.unlock();
            }
        }
    }
}
