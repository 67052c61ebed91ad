package dev.switchboard.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * A Web Push service and its browsers on a local port (docs/push.md), checking what a real push
 * service checks, in its order: the subscription (404 unknown, 410 gone), the headers ({@code TTL}
 * digits, {@code Urgency}, {@code Topic}, {@code Content-Encoding: aes128gcm}: 400), VAPID (401
 * missing; 403 when {@code k} is not the key the browser subscribed with, the JWT is not ES256,
 * its signature does not verify with {@code k}, {@code aud} is not this origin, {@code exp} is
 * past or more than 24 h ahead, {@code sub} is not mailto:/https:), size (413 over 4096 bytes);
 * then, as the browser, it <em>decrypts</em> the body with the subscription's private key (RFC
 * 8291/8188; any failure 400) and keeps the plaintext for assertions. This is written from the
 * RFCs independently of the sender, so the two cannot share a mistake.
 *
 * <p>Scripted faults: the next requests answer a given status (429 with {@code Retry-After}, 500),
 * or hang.
 */
public final class FakePushService implements AutoCloseable {

    /** A subscription as the browser hands it to the page: endpoint and keys (base64url). */
    public record Subscription(String id, String endpoint, String p256dh, String auth) { }

    /** One push the service accepted, decrypted. */
    public record Received(String subscriptionId, String plaintext, long ttl, Optional<String> urgency,
                           Optional<String> topic, JsonNode claims) { }

    private record Browser(KeyPair keys, byte[] publicRaw, byte[] auth) { }

    private record Fault(int status, Optional<Integer> retryAfterSeconds, Duration hang) { }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Set<String> URGENCIES = Set.of("very-low", "low", "normal", "high");
    private static final ECParameterSpec P256 = params();

    private final HttpServer server;
    private final String applicationServerKey;
    private final Map<String, Browser> browsers = new ConcurrentHashMap<>();
    private final Set<String> gone = ConcurrentHashMap.newKeySet();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger faultsLeft = new AtomicInteger();
    private final AtomicReference<Fault> fault = new AtomicReference<>();
    private final SecureRandom random = new SecureRandom();

    /**
     * @param applicationServerKey the VAPID public key (base64url) the page subscribed with:
     *                             pushes signed with any other key are refused, as real services do
     */
    public static FakePushService start(String applicationServerKey) {
        try {
            return new FakePushService(applicationServerKey);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake push service", e);
        }
    }

    private FakePushService(String applicationServerKey) throws IOException {
        this.applicationServerKey = applicationServerKey.replace("=", "");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}: what a VAPID {@code aud} must be. */
    public String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A new browser subscribing: a fresh P-256 pair and auth secret, kept here to decrypt. */
    public Subscription subscribe() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            byte[] auth = new byte[16];
            random.nextBytes(auth);
            String id = UUID.randomUUID().toString().replace("-", "");
            Browser browser = new Browser(keys, raw((ECPublicKey) keys.getPublic()), auth);
            browsers.put(id, browser);
            return new Subscription(id, origin() + "/push/" + id, b64(browser.publicRaw()), b64(auth));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The browser unsubscribed: pushes to it answer 410. */
    public void markGone(String subscriptionId) {
        gone.add(subscriptionId);
    }

    /** The service forgot the subscription (expired): pushes to it answer 404. */
    public void forget(String subscriptionId) {
        browsers.remove(subscriptionId);
    }

    /** The next {@code n} requests answer {@code status}, with {@code Retry-After} if given. */
    public void failNext(int n, int status, Optional<Integer> retryAfterSeconds) {
        fault.set(new Fault(status, retryAfterSeconds, Duration.ZERO));
        faultsLeft.set(n);
    }

    /** The next {@code n} requests get no answer for {@code delay}, then 201 without delivering. */
    public void hangNext(int n, Duration delay) {
        fault.set(new Fault(0, Optional.empty(), delay));
        faultsLeft.set(n);
    }

    /** Every push accepted, decrypted, in order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Why each refused request was refused ({@code status: reason}), in order. */
    public List<String> refusals() {
        return List.copyOf(refusals);
    }

    public int requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            byte[] body = exchange.getRequestBody().readNBytes(1 << 16);
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("POST") || !path.startsWith("/push/")) {
                refuse(exchange, 404, "no such resource " + path);
                return;
            }
            if (faultsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                Fault f = fault.get();
                if (f.hang().isPositive()) {
                    sleep(f.hang());
                    answer(exchange, 201, "");
                    return;
                }
                f.retryAfterSeconds().ifPresent(s -> exchange.getResponseHeaders().add("Retry-After", s.toString()));
                answer(exchange, f.status(), "{\"code\":" + f.status() + ",\"error\":\"scripted\"}");
                return;
            }
            String id = path.substring("/push/".length());
            if (gone.contains(id)) {
                refuse(exchange, 410, "unsubscribed");
                return;
            }
            Browser browser = browsers.get(id);
            if (browser == null) {
                refuse(exchange, 404, "unknown subscription");
                return;
            }
            var headers = exchange.getRequestHeaders();
            String ttl = headers.getFirst("TTL");
            if (ttl == null || !ttl.matches("[0-9]{1,10}")) {
                refuse(exchange, 400, "TTL missing or not digits");
                return;
            }
            String urgency = headers.getFirst("Urgency");
            if (urgency != null && !URGENCIES.contains(urgency)) {
                refuse(exchange, 400, "bad Urgency " + urgency);
                return;
            }
            String topic = headers.getFirst("Topic");
            if (topic != null && !TOPIC.matcher(topic).matches()) {
                refuse(exchange, 400, "bad Topic " + topic);
                return;
            }
            List<String> encodings = headers.get("Content-Encoding");
            if (body.length > 0 && (encodings == null || encodings.size() != 1 || !encodings.get(0).equals("aes128gcm"))) {
                refuse(exchange, 400, "Content-Encoding must be exactly aes128gcm");
                return;
            }
            String authorization = headers.getFirst("Authorization");
            if (authorization == null) {
                refuse(exchange, 401, "no Authorization");
                return;
            }
            JsonNode claims;
            try {
                claims = verifyVapid(authorization);
            } catch (RuntimeException | GeneralSecurityException e) {
                refuse(exchange, 403, "VAPID: " + e.getMessage());
                return;
            }
            if (body.length > 4096) {
                refuse(exchange, 413, "body of " + body.length + " bytes");
                return;
            }
            String plaintext;
            try {
                plaintext = decrypt(body, browser);
            } catch (RuntimeException | GeneralSecurityException e) {
                refuse(exchange, 400, "cannot decrypt: " + e);
                return;
            }
            received.add(new Received(id, plaintext, Long.parseLong(ttl), Optional.ofNullable(urgency),
                    Optional.ofNullable(topic), claims));
            exchange.getResponseHeaders().add("Location", "/msg/" + UUID.randomUUID());
            answer(exchange, 201, "");
        }
    }

    private JsonNode verifyVapid(String authorization) throws GeneralSecurityException, IOException {
        if (!authorization.startsWith("vapid ")) {
            throw new IllegalArgumentException("scheme is not vapid");
        }
        Map<String, String> params = new HashMap<>();
        for (String part : authorization.substring(6).split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq > 0) {
                params.put(p.substring(0, eq), p.substring(eq + 1));
            }
        }
        String t = params.get("t");
        String k = params.get("k");
        if (t == null || k == null) {
            throw new IllegalArgumentException("t or k missing");
        }
        if (!k.replace("=", "").equals(applicationServerKey)) {
            throw new IllegalArgumentException("k is not the subscription's applicationServerKey");
        }
        String[] jwt = t.split("\\.");
        if (jwt.length != 3) {
            throw new IllegalArgumentException("not a JWS compact token");
        }
        JsonNode header = JSON.readTree(unb64(jwt[0]));
        if (!"ES256".equals(header.path("alg").asText())) {
            throw new IllegalArgumentException("alg is not ES256");
        }
        Signature verify = Signature.getInstance("SHA256withECDSAinP1363Format");
        verify.initVerify(publicKey(unb64(k)));
        verify.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        if (!verify.verify(unb64(jwt[2]))) {
            throw new IllegalArgumentException("signature does not verify with k");
        }
        JsonNode claims = JSON.readTree(unb64(jwt[1]));
        if (!origin().equals(claims.path("aud").asText())) {
            throw new IllegalArgumentException("aud " + claims.path("aud") + " is not " + origin());
        }
        long now = System.currentTimeMillis() / 1000;
        long exp = claims.path("exp").asLong(0);
        if (exp <= now || exp > now + 24 * 3600) {
            throw new IllegalArgumentException("exp " + exp + " is not within (now, now + 24 h]");
        }
        String sub = claims.path("sub").asText("");
        if (!sub.startsWith("mailto:") && !sub.startsWith("https:")) {
            throw new IllegalArgumentException("sub must be mailto: or https:");
        }
        return claims;
    }

    /** RFC 8291 §3.4 and RFC 8188 §2, as the browser does it. */
    private String decrypt(byte[] body, Browser browser) throws GeneralSecurityException {
        if (body.length < 86 + 17) {
            throw new IllegalArgumentException("body too short");
        }
        ByteBuffer in = ByteBuffer.wrap(body);
        byte[] salt = new byte[16];
        in.get(salt);
        long rs = Integer.toUnsignedLong(in.getInt());
        int idlen = in.get() & 0xff;
        if (idlen != 65) {
            throw new IllegalArgumentException("idlen " + idlen + " is not 65");
        }
        byte[] keyid = new byte[65];
        in.get(keyid);
        if (b64(keyid).equals(applicationServerKey)) {
            throw new IllegalArgumentException("the message key is the VAPID key");
        }
        byte[] ciphertext = new byte[in.remaining()];
        in.get(ciphertext);
        if (rs < ciphertext.length) {
            throw new IllegalArgumentException("rs " + rs + " is smaller than the record");
        }
        KeyAgreement ecdh = KeyAgreement.getInstance("ECDH");
        ecdh.init(browser.keys().getPrivate());
        ecdh.doPhase(publicKey(keyid), true);
        byte[] shared = ecdh.generateSecret();
        byte[] info = concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII), browser.publicRaw(), keyid);
        byte[] ikm = hkdf(browser.auth(), shared, info, 32);
        byte[] cek = hkdf(salt, ikm, "Content-Encoding: aes128gcm\0".getBytes(StandardCharsets.US_ASCII), 16);
        byte[] nonce = hkdf(salt, ikm, "Content-Encoding: nonce\0".getBytes(StandardCharsets.US_ASCII), 12);
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
        byte[] padded = aes.doFinal(ciphertext);
        int end = padded.length;
        while (end > 0 && padded[end - 1] == 0) {
            end--;
        }
        if (end == 0 || padded[end - 1] != 2) {
            throw new IllegalArgumentException("no last-record delimiter 0x02");
        }
        return new String(padded, 0, end - 1, StandardCharsets.UTF_8);
    }

    /** HKDF-SHA-256 (RFC 5869), extract then one expand block. */
    private static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        byte[] prk = mac.doFinal(ikm);
        mac.init(new SecretKeySpec(prk, "HmacSHA256"));
        mac.update(info);
        mac.update((byte) 1);
        return Arrays.copyOf(mac.doFinal(), length);
    }

    private static PublicKey publicKey(byte[] raw) throws GeneralSecurityException {
        if (raw.length != 65 || raw[0] != 4) {
            throw new IllegalArgumentException("not an uncompressed P-256 point");
        }
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(raw, 1, 33));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(raw, 33, 65));
        BigInteger p = P256.getCurve().getField() instanceof java.security.spec.ECFieldFp fp ? fp.getP() : null;
        BigInteger rhs = x.pow(3).add(P256.getCurve().getA().multiply(x)).add(P256.getCurve().getB()).mod(p);
        if (!y.modPow(BigInteger.TWO, p).equals(rhs)) {
            throw new IllegalArgumentException("the point is not on P-256");
        }
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), P256));
    }

    private static byte[] raw(ECPublicKey key) {
        byte[] out = new byte[65];
        out[0] = 4;
        System.arraycopy(fixed(key.getW().getAffineX()), 0, out, 1, 32);
        System.arraycopy(fixed(key.getW().getAffineY()), 0, out, 33, 32);
        return out;
    }

    private static byte[] fixed(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer out = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] unb64(String value) {
        return Base64.getUrlDecoder().decode(value.replace("=", ""));
    }

    private void refuse(HttpExchange exchange, int status, String reason) throws IOException {
        refusals.add(status + ": " + reason);
        answer(exchange, status, "{\"code\":" + status + ",\"error\":" + JSON.valueToTree(reason) + "}");
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ECParameterSpec params() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
