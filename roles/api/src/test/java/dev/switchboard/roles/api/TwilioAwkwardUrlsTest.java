package dev.switchboard.roles.api;

import dev.switchboard.testsupport.RedisFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed Twilio requests whose URLs are awkward in the ways real deployments are: a percent-escaped
 * query value, {@code PUBLIC_BASE_URL} written with a trailing slash, and {@code :443} on one side
 * of the signature only. Twilio signs the URL exactly as it was configured; each is accepted exactly
 * when Twilio's own validator accepts it (a signer in Python, {@link PythonTwilioSigner}, makes
 * every signature), and a near miss is still refused.
 */
class TwilioAwkwardUrlsTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();

    private static ApiRole api(String publicBaseUrl) {
        Map<String, String> env = new HashMap<>(TwilioWebhookTest.TWILIO_ENV);
        env.put("PUBLIC_BASE_URL", publicBaseUrl);
        return ApiRole.start(ApiFixture.config(redis.url(), Map.of("TWILIO_AUTH_TOKEN", TwilioWebhookTest.TOKEN)),
                env, List.of());
    }

    private static HttpResponse<String> post(ApiRole target, String signedOver, String pathAndQuery,
                                             Map<String, String> params) {
        PythonTwilioSigner.Signed signed = PythonTwilioSigner.sign(TwilioWebhookTest.TOKEN, signedOver, params);
        return TwilioWebhookTest.post(target, pathAndQuery, signed.body(), signed.signature(),
                "application/x-www-form-urlencoded", Map.of());
    }

    /**
     * {@code business_id=biz%2D1}: the signature covers the query as sent (escaped), the business is
     * the decoded value. A server that signed over the decoded query refuses it; one that looked up
     * the raw value finds no business "biz%2D1".
     */
    @Test
    void anEscapedBusinessIdIsCheckedAsSentAndReadDecoded() {
        try (ApiRole target = api("https://api.example.com")) {
            String path = "/webhook/twilio/recording?business_id=biz%2D1";
            HttpResponse<String> response = post(target, "https://api.example.com" + path, path,
                    TwilioWebhookTest.recordingParams("completed"));
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("recording_job"), "biz-1's recording is recognised: " + response.body());

            HttpResponse<String> decoded = post(target, "https://api.example.com/webhook/twilio/recording?business_id=biz-1",
                    path, TwilioWebhookTest.recordingParams("completed"));
            assertEquals(403, decoded.statusCode(), "a signature over the decoded URL is not Twilio's: " + decoded.body());
        }
    }

    /** {@code PUBLIC_BASE_URL=https://api.example.com/}: the configured webhook URL has one slash before the path. */
    @Test
    void aTrailingSlashOnThePublicBaseUrlIsNotDoubled() {
        try (ApiRole target = api("https://api.example.com/")) {
            HttpResponse<String> response = post(target, "https://api.example.com/webhook/twilio/voice",
                    "/webhook/twilio/voice", TwilioWebhookTest.voiceParams(TwilioWebhookTest.BIZ_1_NUMBER));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(403, post(target, "https://api.example.com//webhook/twilio/voice", "/webhook/twilio/voice",
                    TwilioWebhookTest.voiceParams(TwilioWebhookTest.BIZ_1_NUMBER)).statusCode(), "a doubled slash is another URL");
        }
    }

    /**
     * {@code :443} in {@code PUBLIC_BASE_URL} but not in Twilio's configured URL, and the reverse:
     * Twilio's validators accept a signature over the URL with or without the default port.
     */
    @Test
    void theDefaultPortOnOneSideOnlyIsAccepted() {
        try (ApiRole withPort = api("https://api.example.com:443")) {
            assertEquals(200, post(withPort, "https://api.example.com/webhook/twilio/voice", "/webhook/twilio/voice",
                    TwilioWebhookTest.voiceParams(TwilioWebhookTest.BIZ_1_NUMBER)).statusCode());
            assertEquals(200, post(withPort, "https://api.example.com:443/webhook/twilio/voice", "/webhook/twilio/voice",
                    TwilioWebhookTest.voiceParams(TwilioWebhookTest.BIZ_1_NUMBER)).statusCode());
            assertEquals(403, post(withPort, "https://api.example.com:8443/webhook/twilio/voice", "/webhook/twilio/voice",
                    TwilioWebhookTest.voiceParams(TwilioWebhookTest.BIZ_1_NUMBER)).statusCode(), "another port is another URL");
        }
        try (ApiRole withoutPort = api("https://api.example.com")) {
            assertEquals(200, post(withoutPort, "https://api.example.com:443/webhook/twilio/voice", "/webhook/twilio/voice",
                    TwilioWebhookTest.voiceParams(TwilioWebhookTest.BIZ_1_NUMBER)).statusCode());
        }
    }
}
