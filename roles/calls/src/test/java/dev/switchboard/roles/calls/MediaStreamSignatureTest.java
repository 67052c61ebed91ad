package dev.switchboard.roles.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.roles.common.ConfigException;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.testsupport.RedisFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * With {@code TWILIO_AUTH_TOKEN} set, a media stream's WebSocket upgrade must carry Twilio's
 * {@code X-Twilio-Signature} over the stream's public {@code wss://} URL with no parameters; the
 * signatures here are computed with the JDK's HMAC, independently of the Twilio SDK the server uses.
 */
class MediaStreamSignatureTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final String TOKEN = "twilio-auth-token-0123456789abcdef0123";
    private static final String PUBLIC = "wss://calls.example.com";
    private static HttpClient http;
    private static CallsRole calls;

    @BeforeAll
    static void start() {
        Map<String, String> env = TwilioMediaClient.env(redis.url(), "TWILIO_AUTH_TOKEN", TOKEN,
                "CALLS_PUBLIC_URL", PUBLIC);
        calls = CallsRole.start(RoleConfig.fromEnvironment(env), env);
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        calls.close();
        http.close();
    }

    static String sign(String token, String url) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(url.getBytes(StandardCharsets.UTF_8)));
    }

    private WebSocket open(String signature) {
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (signature != null) {
            builder.header("X-Twilio-Signature", signature);
        }
        return builder.buildAsync(URI.create("ws://127.0.0.1:" + calls.port() + "/ws/twilio/media"),
                new WebSocket.Listener() { }).orTimeout(10, TimeUnit.SECONDS).join();
    }

    private static WebSocketHandshakeException refused(Executable upgrade) {
        CompletionException e = assertThrows(CompletionException.class, upgrade);
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause(), String.valueOf(e.getCause()));
    }

    @Test
    void anUpgradeSignedByTwilioOverTheStreamsPublicUrlIsAccepted() throws Exception {
        WebSocket ws = open(sign(TOKEN, PUBLIC + "/ws/twilio/media"));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        ws.abort();
    }

    @Test
    void anUnsignedOrMissignedUpgradeIsRefusedWith403() throws Exception {
        for (String signature : new String[] {null, sign("another-accounts-token-0123456789abcdef", PUBLIC + "/ws/twilio/media"),
                sign(TOKEN, "https://calls.example.com/ws/twilio/media"), "not base64 at all"}) {
            WebSocketHandshakeException e = refused(() -> open(signature));
            assertEquals(403, e.getResponse().statusCode(), "signature " + signature);
            assertTrue(String.valueOf(e.getResponse().body()).contains("\"error\""), String.valueOf(e.getResponse().body()));
        }
        assertEquals(0, calls.activeCalls(), "no session was opened for a refused upgrade");
    }

    @Test
    void aPlainGetOfTheStreamPathIsNotAWebSocket() throws Exception {
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + calls.port() + "/ws/twilio/media"))
                .header("X-Twilio-Signature", sign(TOKEN, PUBLIC + "/ws/twilio/media")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(426, plain.statusCode(), plain.body());
        HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + calls.port() + "/ws/twilio/media")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, unsigned.statusCode(), unsigned.body());
    }

    @Test
    void theTokenWithoutThePublicUrlIsAConfigurationError() {
        Map<String, String> env = TwilioMediaClient.env(redis.url(), "TWILIO_AUTH_TOKEN", TOKEN);
        ConfigException e = assertThrows(ConfigException.class,
                () -> CallsRole.start(RoleConfig.fromEnvironment(env), env).close());
        assertTrue(e.getMessage().contains("CALLS_PUBLIC_URL"), e.getMessage());
    }
}
