package dev.switchboard.roles.all;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One simulated Twilio call for {@code bench calls}: a minimal WebSocket client (RFC 6455: the
 * upgrade with its accept check, masked text frames out, unmasked frames in, ping, close) that
 * speaks Twilio's side of Media Streams (shared/specs/twilio-media-streams.md): {@code connected},
 * {@code start} with the custom parameters the api's TwiML sets, one {@code media} frame every
 * 20 ms for as long as the call lasts (silence or the caller's speech, as Twilio streams the line),
 * {@code mark} echoes, {@code stop}.
 *
 * <p>Why not the JDK's {@code java.net.http.WebSocket}: it costs a few futures and buffers per
 * message and runs its I/O on the client's selector thread, which on this 2-core machine shares
 * the CPU with the calls process under test. Here a frame is written from a buffer reused for the
 * whole call, and the load tool's own cost stays small and visible ({@code client_send_lag_*}).
 *
 * <p>The caller behaves like a polite person on the phone: it listens while the agent talks (audio
 * arriving), and 0.6 to 2.6 s after the agent's audio stops (a pause drawn per line, seeded by the
 * caller's number, so calls that started together do not all speak and get answered in the same
 * instant) it says its line (the committed μ-law fixture), then stays silent until the agent has
 * answered. The call's first frame is silent
 * but carries the caller's number in the choice between μ-law's two zero codes
 * ({@link #MARKER}), so the stand-in recognizer can say whose final transcript it sent and when.
 *
 * <p>Threads: writes come from the load's pacer thread ({@link #tick}) and, for mark echoes, from
 * this call's reader (a virtual thread); one lock orders them.
 */
final class MediaLoadClient {
    static final byte ZERO_HIGH = (byte) 0xFF;
    static final byte ZERO_LOW = (byte) 0x7F;
    /** How the first frame begins: μ-law zeros in a pattern no microphone makes. */
    static final byte[] MARKER = {ZERO_LOW, ZERO_HIGH, ZERO_LOW, ZERO_LOW, ZERO_HIGH, ZERO_LOW, ZERO_HIGH, ZERO_HIGH};
    static final int FRAME = 160;
    private static final long FRAME_NANOS = 20_000_000;
    private static final long LISTEN_QUIET_NANOS = 600_000_000;
    /** Up to this much more before each line, drawn per caller: people don't all speak in step. */
    private static final long THINK_NANOS = 2_000_000_000;
    /** When the agent says nothing at all (no greeting, no answer) the caller speaks anyway after this. */
    private static final long GIVE_UP_NANOS = 15_000_000_000L;
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] SILENCE_B64 = base64(silence());

    enum Phase { LISTENING, SPEAKING, AWAITING_ANSWER }

    final int number;
    final String callSid;
    final String streamSid;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final byte[][] speechB64;
    private final byte[] firstFrameB64;
    private final Object writeLock = new Object();
    /** Seeded by the caller's number: the same run gives the same pauses. */
    private final java.util.SplittableRandom pauses;
    private long listenQuietNanos;
    private final byte[] frameBuffer = new byte[1024];
    private final MediaLoad.Stats stats;
    private final AtomicLongArray finalsSent;

    private int sequence;
    private int chunk;
    private Phase phase = Phase.LISTENING;
    private int spoken;
    private long phaseSinceNanos;
    private volatile long lastAudioInNanos;
    private volatile boolean heardSinceSpeaking;
    private volatile boolean closedByServer;
    private volatile String closeReason = "";
    long nextDueNanos;

    /** Opens the socket and upgrades it; throws when the server refuses. */
    MediaLoadClient(int number, URI stream, byte[][] speechB64, MediaLoad.Stats stats, AtomicLongArray finalsSent)
            throws IOException {
        this.number = number;
        this.callSid = String.format("CA%032x", 0xbe0000L + number);
        this.streamSid = String.format("MZ%032x", 0xbe0000L + number);
        this.speechB64 = speechB64;
        this.stats = stats;
        this.finalsSent = finalsSent;
        this.firstFrameB64 = base64(markedFrame(number));
        this.pauses = new java.util.SplittableRandom(number);
        this.listenQuietNanos = LISTEN_QUIET_NANOS + pauses.nextLong(THINK_NANOS);
        socket = new Socket();
        socket.setTcpNoDelay(true);
        int port = stream.getPort() > 0 ? stream.getPort() : 80;
        socket.connect(new InetSocketAddress(stream.getHost(), port), 10_000);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream(), 8192);
        out = socket.getOutputStream();
        upgrade(stream.getHost() + ":" + port, stream.getRawPath());
        socket.setSoTimeout(0);
    }

    /** The first frame: silence whose zero codes spell {@link #MARKER} and then {@code number}, 32 bits. */
    static byte[] markedFrame(int number) {
        byte[] frame = silence();
        System.arraycopy(MARKER, 0, frame, 0, MARKER.length);
        for (int bit = 0; bit < 32; bit++) {
            frame[MARKER.length + bit] = ((number >>> (31 - bit)) & 1) == 1 ? ZERO_LOW : ZERO_HIGH;
        }
        return frame;
    }

    private static byte[] silence() {
        byte[] frame = new byte[FRAME];
        java.util.Arrays.fill(frame, ZERO_HIGH);
        return frame;
    }

    static byte[] base64(byte[] frame) {
        return Base64.getEncoder().encode(frame);
    }

    private void upgrade(String host, String path) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: TwilioProxy/1.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the upgrade");
            }
            head.append((char) b);
            if (head.length() > 8192) {
                throw new IOException("upgrade response head over 8 KiB");
            }
        }
        String response = head.toString();
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + response.lines().findFirst().orElse(""));
        }
        String expected;
        try {
            expected = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (response.lines().noneMatch(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-accept:")
                && l.substring(l.indexOf(':') + 1).strip().equals(expected))) {
            throw new IOException("upgrade answered without the right Sec-WebSocket-Accept");
        }
    }

    /** {@code connected} and {@code start}, as Twilio sends them for the api's TwiML. */
    void start(String businessId) throws IOException {
        sendText("{\"event\":\"connected\",\"protocol\":\"Call\",\"version\":\"1.0.0\"}");
        sendText("{\"event\":\"start\",\"sequenceNumber\":\"" + (++sequence) + "\",\"start\":{\"accountSid\":\"AC"
                + "00000000000000000000000000000be0\",\"streamSid\":\"" + streamSid + "\",\"callSid\":\"" + callSid
                + "\",\"tracks\":[\"inbound\"],\"customParameters\":{\"CallSid\":\"" + callSid + "\",\"BusinessId\":\""
                + businessId + "\",\"From\":\"+1555" + String.format("%07d", number) + "\",\"To\":\"+15550000000\","
                + "\"TraceId\":\"bench-" + number + "\"},\"mediaFormat\":{\"encoding\":\"audio/x-mulaw\","
                + "\"sampleRate\":8000,\"channels\":1}},\"streamSid\":\"" + streamSid + "\"}");
        phaseSinceNanos = System.nanoTime();
    }

    /** The frame due now: the marked silence first, then the caller's speech or silence. */
    void tick(long now) throws IOException {
        byte[] payload;
        if (chunk == 0) {
            payload = firstFrameB64;
        } else {
            payload = SILENCE_B64;
            switch (phase) {
                case LISTENING -> {
                    boolean agentDone = heardSinceSpeaking && now - lastAudioInNanos >= listenQuietNanos;
                    if (agentDone || now - phaseSinceNanos >= GIVE_UP_NANOS) {
                        if (!heardSinceSpeaking) {   // heard but still talking: the caller talks over it
                            stats.unanswered.increment();
                        }
                        phase = Phase.SPEAKING;
                        spoken = 0;
                        heardSinceSpeaking = false;
                        listenQuietNanos = LISTEN_QUIET_NANOS + pauses.nextLong(THINK_NANOS);
                    }
                }
                case AWAITING_ANSWER -> {
                    if (heardSinceSpeaking) {
                        phase = Phase.LISTENING;
                        phaseSinceNanos = now;
                    } else if (now - phaseSinceNanos >= GIVE_UP_NANOS) {
                        stats.unanswered.increment();
                        phase = Phase.SPEAKING;
                        spoken = 0;
                    }
                }
                default -> { }
            }
            if (phase == Phase.SPEAKING) {
                payload = speechB64[spoken++];
                if (spoken == speechB64.length) {
                    phase = Phase.AWAITING_ANSWER;
                    phaseSinceNanos = now;
                    stats.utterances.increment();
                }
            }
        }
        chunk++;
        sendMedia(payload);
        stats.framesSent.increment();
    }

    private void sendMedia(byte[] payloadB64) throws IOException {
        ++sequence;
        int n = 0;
        byte[] b = frameBuffer;
        n = put(b, n, "{\"event\":\"media\",\"sequenceNumber\":\"");
        n = putInt(b, n, sequence);
        n = put(b, n, "\",\"media\":{\"track\":\"inbound\",\"chunk\":\"");
        n = putInt(b, n, chunk);
        n = put(b, n, "\",\"timestamp\":\"");
        n = putInt(b, n, chunk * 20);
        n = put(b, n, "\",\"payload\":\"");
        System.arraycopy(payloadB64, 0, b, n, payloadB64.length);
        n += payloadB64.length;
        n = put(b, n, "\"},\"streamSid\":\"");
        n = put(b, n, streamSid);
        n = put(b, n, "\"}");
        sendFrame(0x1, b, n);
    }

    private static int put(byte[] b, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            b[at++] = (byte) ascii.charAt(i);
        }
        return at;
    }

    private static int putInt(byte[] b, int at, int value) {
        String s = Integer.toString(value);
        return put(b, at, s);
    }

    void stop() throws IOException {
        sendText("{\"event\":\"stop\",\"sequenceNumber\":\"" + (++sequence) + "\",\"streamSid\":\"" + streamSid
                + "\",\"stop\":{\"accountSid\":\"AC00000000000000000000000000000be0\",\"callSid\":\"" + callSid + "\"}}");
    }

    private void sendText(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sendFrame(0x1, bytes, bytes.length);
    }

    /** One masked frame (clients must mask), written with one write call. */
    private void sendFrame(int opcode, byte[] payload, int length) throws IOException {
        synchronized (writeLock) {
            int header = length < 126 ? 6 : 8;
            int total = header + length;
            byte[] frame = scratch(total);
            frame[0] = (byte) (0x80 | opcode);
            int at;
            if (length < 126) {
                frame[1] = (byte) (0x80 | length);
                at = 2;
            } else {
                frame[1] = (byte) (0x80 | 126);
                frame[2] = (byte) (length >>> 8);
                frame[3] = (byte) length;
                at = 4;
            }
            int mask = ThreadLocalRandom.current().nextInt();
            frame[at] = (byte) (mask >>> 24);
            frame[at + 1] = (byte) (mask >>> 16);
            frame[at + 2] = (byte) (mask >>> 8);
            frame[at + 3] = (byte) mask;
            for (int i = 0; i < length; i++) {
                frame[header + i] = (byte) (payload[i] ^ frame[at + (i & 3)]);
            }
            out.write(frame, 0, total);
        }
    }

    private byte[] writeScratch = new byte[1024];

    private byte[] scratch(int size) {
        if (writeScratch.length < size) {
            writeScratch = new byte[Math.max(size, writeScratch.length * 2)];
        }
        return writeScratch;
    }

    /** The reader: runs until the server closes; counts the agent's audio and times the answers. */
    void read() {
        byte[] payload = new byte[4096];
        try {
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    throw new EOFException();
                }
                int b1 = in.read();
                long length = b1 & 0x7F;
                if (length == 126) {
                    length = (in.read() << 8) | in.read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | in.read();
                    }
                }
                if ((b1 & 0x80) != 0) {
                    throw new IOException("the server masked a frame");
                }
                if (length > 1 << 20) {
                    throw new IOException("frame of " + length + " bytes");
                }
                if (payload.length < length) {
                    payload = new byte[(int) length];
                }
                readFully(payload, (int) length);
                long arrived = System.nanoTime();
                int opcode = b0 & 0x0F;
                switch (opcode) {
                    case 0x1 -> onText(payload, (int) length, arrived);
                    case 0x8 -> {
                        closedByServer = true;
                        closeReason = length > 2 ? new String(payload, 2, (int) length - 2, StandardCharsets.UTF_8) : "";
                        synchronized (writeLock) {
                            sendFrame(0x8, payload, (int) Math.min(length, 2));
                        }
                        return;
                    }
                    case 0x9 -> sendFrame(0xA, payload, (int) length);
                    case 0xA -> { }
                    default -> stats.framesMalformed.increment();
                }
            }
        } catch (IOException e) {
            if (!socket.isClosed()) {
                closeReason = "read failed: " + e;
            }
        } finally {
            closeQuietly();
        }
    }

    private void readFully(byte[] into, int length) throws IOException {
        int read = 0;
        while (read < length) {
            int n = in.read(into, read, length - read);
            if (n < 0) {
                throw new EOFException();
            }
            read += n;
        }
    }

    private static final byte[] MEDIA = "{\"event\":\"media\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MARK = "{\"event\":\"mark\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLEAR = "{\"event\":\"clear\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD = "\"payload\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NAME = "\"name\":\"".getBytes(StandardCharsets.US_ASCII);

    /** The server's messages are Jackson's compact JSON with {@code event} first. */
    private void onText(byte[] m, int length, long arrived) throws IOException {
        if (startsWith(m, length, MEDIA)) {
            int p = indexOf(m, length, PAYLOAD);
            int end = p < 0 ? -1 : indexOf(m, length, p, (byte) '"');
            // 160 bytes of μ-law are 216 base64 characters.
            if (p < 0 || end - p != 216) {
                stats.framesMalformed.increment();
            }
            stats.framesReceived.increment();
            lastAudioInNanos = arrived;
            heardSinceSpeaking = true;
            long finalAt = finalsSent.get(number);
            if (finalAt != 0 && arrived > finalAt && finalsSent.compareAndSet(number, finalAt, 0)) {
                stats.answerLatency(arrived - finalAt);
            }
        } else if (startsWith(m, length, MARK)) {
            stats.marks.increment();
            int p = indexOf(m, length, NAME);
            int end = p < 0 ? -1 : indexOf(m, length, p, (byte) '"');
            if (end > p) {
                String name = new String(m, p, end - p, StandardCharsets.UTF_8);
                sendText("{\"event\":\"mark\",\"sequenceNumber\":\"0\",\"streamSid\":\"" + streamSid
                        + "\",\"mark\":{\"name\":\"" + name + "\"}}");
            }
        } else if (startsWith(m, length, CLEAR)) {
            stats.clears.increment();
        } else {
            stats.framesMalformed.increment();
        }
    }

    private static boolean startsWith(byte[] m, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (m[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The index just after {@code needle}, or -1. */
    private static int indexOf(byte[] m, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (m[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i + needle.length;
        }
        return -1;
    }

    private static int indexOf(byte[] m, int length, int from, byte b) {
        for (int i = from; i < length; i++) {
            if (m[i] == b) {
                return i;
            }
        }
        return -1;
    }

    boolean closedByServer() {
        return closedByServer;
    }

    String closeReason() {
        return closeReason;
    }

    void closeQuietly() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
