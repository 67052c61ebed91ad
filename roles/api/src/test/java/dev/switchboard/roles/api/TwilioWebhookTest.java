package dev.switchboard.roles.api;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.switchboard.roles.common.ConfigException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.roles.common.RoleConfig;
import dev.switchboard.testsupport.RedisFixture;
import dev.switchboard.testsupport.Zlib;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Twilio webhooks over real HTTP against a real Redis. Every signature comes from
 * {@link PythonTwilioSigner}, an implementation that is neither ours nor the Twilio SDK's.
 */
class TwilioWebhookTest {
    @RegisterExtension
    static final RedisFixture redis = new RedisFixture();
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String TOKEN = "twilio-auth-token-0123456789abcdef";
    static final String PUBLIC = "https://api.example.com";
    static final String CALL = "CA3c95a2a6bba5fde93a5dea01e388e8fb";
    static final String RECORDING = "RE0123456789abcdef0123456789abcdef";
    static final String BIZ_1_NUMBER = "+15550001111";
    static final String CALLER = "+5511988887777";
    static final Map<String, String> TWILIO_ENV = Map.of(
            "PUBLIC_BASE_URL", PUBLIC,
            "CALLS_PUBLIC_URL", "wss://calls.example.com",
            "TWILIO_NUMBERS", BIZ_1_NUMBER + ":biz-1, +15550002222:biz-2");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(2, Thread.ofPlatform()
                    .name(ApiFixture.CLIENT_THREAD_PREFIX + "twilio-", 0).daemon(true).factory()))
            .build();
    private static ApiRole api;

    @BeforeAll
    static void start() {
        api = ApiRole.start(ApiFixture.config(redis.url(), Map.of("TWILIO_AUTH_TOKEN", TOKEN)), TWILIO_ENV, List.of());
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    // ---- requests

    static Map<String, String> voiceParams(String to) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccountSid", "AC0123456789abcdef0123456789abcdef");
        params.put("ApiVersion", "2010-04-01");
        params.put("CallSid", CALL);
        params.put("CallStatus", "ringing");
        params.put("Called", to);
        params.put("Caller", CALLER);
        params.put("Direction", "inbound");
        params.put("From", CALLER);
        params.put("FromCountry", "BR");
        params.put("To", to);
        params.put("CallerName", "Maria da Silva & Filhos"); // a space and '&' exercise form encoding
        return params;
    }

    static Map<String, String> statusParams(String status) {
        Map<String, String> params = new LinkedHashMap<>(voiceParams(BIZ_1_NUMBER));
        params.put("CallStatus", status);
        params.put("CallbackSource", "call-progress-events");
        params.put("SequenceNumber", "2");
        params.put("Timestamp", "Fri, 08 Jan 2016 17:18:38 +0000");
        if (status.equals("completed")) {
            params.put("CallDuration", "42");
            params.put("Duration", "1");
        }
        return params;
    }

    static Map<String, String> recordingParams(String status) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("AccountSid", "AC0123456789abcdef0123456789abcdef");
        params.put("CallSid", CALL);
        params.put("RecordingSid", RECORDING);
        params.put("RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Recordings/" + RECORDING);
        params.put("RecordingStatus", status);
        params.put("RecordingDuration", "31");
        params.put("RecordingChannels", "1");
        params.put("RecordingSource", "StartCallRecordingAPI");
        return params;
    }

    /** Posts {@code params} to {@code pathAndQuery}, signed by Python over {@code PUBLIC + pathAndQuery}. */
    static HttpResponse<String> postSigned(ApiRole target, String pathAndQuery, Map<String, String> params) {
        PythonTwilioSigner.Signed signed = PythonTwilioSigner.sign(TOKEN, PUBLIC + pathAndQuery, params);
        return post(target, pathAndQuery, signed.body(), signed.signature(), "application/x-www-form-urlencoded", Map.of());
    }

    static HttpResponse<String> postSigned(String pathAndQuery, Map<String, String> params) {
        return postSigned(api, pathAndQuery, params);
    }

    static HttpResponse<String> post(ApiRole target, String pathAndQuery, String body, String signature,
                                     String contentType, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Twilio-Signature", signature);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static HttpResponse<String> post(String pathAndQuery, String body, String signature, String contentType) {
        return post(api, pathAndQuery, body, signature, contentType, Map.of());
    }

    // ---- assertions

    static long queued() {
        return ApiFixture.queueKeys().stream().mapToLong(k -> redis.commands().llen(k)).sum();
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    static void assertRefused(HttpResponse<String> response, int status, String reasonPart) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                response.headers().toString());
        assertTrue(json(response).path("error").asText().contains(reasonPart),
                "reason '" + reasonPart + "' in " + response.body());
        assertEquals(0, queued(), "nothing enqueued");
        assertEquals(0, redis.commands().keys("rq:job:*").size(), "no job written");
        assertEquals(0, redis.commands().keys("job_lock:*").size(), "no dedupe key taken");
    }

    static Document twiml(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("text/xml") || type.startsWith("application/xml"), type);
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                    .parse(new ByteArrayInputStream(response.body().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("not XML: " + response.body(), e);
        }
    }

    static Map<String, String> streamParameters(Element stream) {
        Map<String, String> parameters = new LinkedHashMap<>();
        NodeList nodes = stream.getElementsByTagName("Parameter");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element p = (Element) nodes.item(i);
            parameters.put(p.getAttribute("name"), p.getAttribute("value"));
        }
        return parameters;
    }

    // ---- the oracle itself

    @Test
    void theOracleReproducesTheSpecsVerifiedVectors() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("CallSid", "CA1234567890ABCDE");
        params.put("Caller", "+14158675309");
        params.put("Digits", "1234");
        params.put("From", "+14158675309");
        params.put("To", "+18005551212");
        String url = "https://mycompany.com/myapp.php?foo=1&bar=2";
        assertEquals("RSOYDt4T1cUTdK1PDd93/VVr8B8=", PythonTwilioSigner.sign("12345", url, params).signature());
        assertEquals("zYQTYrRWXE7LtzbG4PfP7/bkkGo=", PythonTwilioSigner.sign("12345", url, Map.of()).signature());
    }

    // ---- voice

    @Test
    void voiceWebhookAnswersTwimlThatConnectsTheCallToTheCallsRolesMediaStream() {
        PythonTwilioSigner.Signed signed = PythonTwilioSigner.sign(TOKEN, PUBLIC + "/webhook/twilio/voice",
                voiceParams(BIZ_1_NUMBER));
        HttpResponse<String> response = post(api, "/webhook/twilio/voice", signed.body(), signed.signature(),
                "application/x-www-form-urlencoded", Map.of("X-Request-Id", "req-voice-1"));

        Document xml = twiml(response);
        Element root = xml.getDocumentElement();
        assertEquals("Response", root.getTagName());
        Element connect = (Element) root.getElementsByTagName("Connect").item(0);
        Element stream = (Element) connect.getElementsByTagName("Stream").item(0);
        assertEquals("wss://calls.example.com/ws/twilio/media", stream.getAttribute("url"));
        assertEquals(Map.of("CallSid", CALL, "From", CALLER, "To", BIZ_1_NUMBER, "Direction", "inbound",
                "BusinessId", "biz-1", "TraceId", "req-voice-1"), streamParameters(stream));
        // Recorded first (CALL_RECORDING defaults to on): <Start> does not block, so the stream
        // connects at once, and the completed recording is reported for this call's business.
        assertEquals("Start", ((Element) root.getElementsByTagName("*").item(0)).getTagName(), response.body());
        Element recording = (Element) root.getElementsByTagName("Start").item(0).getChildNodes().item(0);
        assertEquals("Recording", recording.getTagName(), response.body());
        assertEquals(PUBLIC + "/webhook/twilio/recording?business_id=biz-1", recording.getAttribute("recordingStatusCallback"));
        assertEquals("completed", recording.getAttribute("recordingStatusCallbackEvent"));
        assertEquals("POST", recording.getAttribute("recordingStatusCallbackMethod"));
        assertEquals("both", recording.getAttribute("track"));
        assertEquals("mono", recording.getAttribute("channels"));
    }

    @Test
    void withCallRecordingOffTheCallIsConnectedWithoutRecording() {
        Map<String, String> env = new java.util.HashMap<>(TWILIO_ENV);
        env.put("CALL_RECORDING", "off");
        try (ApiRole unrecorded = ApiRole.start(ApiFixture.config(redis.url(), Map.of("TWILIO_AUTH_TOKEN", TOKEN)), env,
                List.of())) {
            PythonTwilioSigner.Signed signed = PythonTwilioSigner.sign(TOKEN, PUBLIC + "/webhook/twilio/voice",
                    voiceParams(BIZ_1_NUMBER));
            Document xml = twiml(post(unrecorded, "/webhook/twilio/voice", signed.body(), signed.signature(),
                    "application/x-www-form-urlencoded", Map.of()));
            assertEquals(1, xml.getElementsByTagName("Stream").getLength());
            assertEquals(0, xml.getElementsByTagName("Start").getLength());
            assertEquals(0, xml.getElementsByTagName("Recording").getLength());
        }
        env.put("CALL_RECORDING", "sometimes");
        ConfigException e = assertThrows(ConfigException.class, () -> ApiRole.start(
                ApiFixture.config(redis.url(), Map.of("TWILIO_AUTH_TOKEN", TOKEN)), env, List.of()));
        assertTrue(e.getMessage().contains("CALL_RECORDING must be on or off"), e.getMessage());
    }

    @Test
    void voiceWebhookEnqueuesThePromptJobOfTheCallOnHigh() {
        twiml(postSigned("/webhook/twilio/voice", voiceParams(BIZ_1_NUMBER)));

        List<String> high = redis.commands().lrange("rq:queue:high", 0, -1);
        assertEquals(1, high.size(), "prebuild_prompt_job only (the call log and lead are the calls role's)");
        assertEquals(1, queued());
        dev.switchboard.ports.out.JobView job;
        try (dev.switchboard.adapters.redis.RedisConnections connections =
                     dev.switchboard.adapters.redis.RedisConnections.connect(redis.url())) {
            job = new dev.switchboard.adapters.redis.RedisJobInspection(connections, java.time.Clock.systemUTC())
                    .find(dev.switchboard.ports.out.BusinessScope.all(), high.getFirst()).orElseThrow();
        }
        assertEquals("prebuild_prompt_job", job.name());
        assertEquals("biz-1", job.businessId());
        assertEquals(Map.of("business_id", "biz-1", "call_sid", CALL, "direction", "inbound", "from_number", CALLER,
                "to_number", BIZ_1_NUMBER), job.kwargs());
        assertEquals(high.getFirst(), redis.commands().get("job_lock:twilio:" + CALL + ":voice:prebuild_prompt_job"),
                "deduplicated on the call");
    }

    @Test
    void sameVoiceWebhookTwiceIsConnectedBothTimesAndEnqueuesOnePromptJob() {
        Document first = twiml(postSigned("/webhook/twilio/voice", voiceParams(BIZ_1_NUMBER)));
        Document second = twiml(postSigned("/webhook/twilio/voice", voiceParams(BIZ_1_NUMBER)));

        assertEquals(1, first.getElementsByTagName("Stream").getLength());
        assertEquals(1, second.getElementsByTagName("Stream").getLength(), "a retry is still connected");
        assertEquals(1, queued(), "one prebuild_prompt_job per CallSid");
        assertEquals(1, redis.commands().keys("rq:job:*").size());

        Map<String, String> another = voiceParams(BIZ_1_NUMBER);
        another.put("CallSid", "CA" + "0".repeat(31) + "1");
        twiml(postSigned("/webhook/twilio/voice", another));
        assertEquals(2, queued(), "another call, another job");
    }

    @Test
    void withRedisDownACallIsStillConnectedWithoutItsPromptJob() {
        redis.process().kill();
        try {
            Document xml = twiml(postSigned("/webhook/twilio/voice", voiceParams(BIZ_1_NUMBER)));
            assertEquals(1, xml.getElementsByTagName("Stream").getLength(),
                    "the caller is connected: the calls role's agent starts with a plain prompt");
            HttpResponse<String> status = postSigned("/webhook/twilio/status", statusParams("completed"));
            assertEquals(503, status.statusCode(), "a callback that must enqueue still says: try again");
        } finally {
            redis.process().start();
        }
    }

    @Test
    void callToAnUnknownNumberIsRejectedAndEnqueuesNothing() {
        Document xml = twiml(postSigned("/webhook/twilio/voice", voiceParams("+15559990000")));

        assertEquals(1, xml.getElementsByTagName("Reject").getLength());
        assertEquals(0, xml.getElementsByTagName("Connect").getLength());
        assertEquals(0, queued());
        assertEquals(0, redis.commands().keys("job_lock:*").size());
    }

    @Test
    void callWePlacedBelongsToTheBusinessOfItsCallerId() {
        Map<String, String> params = voiceParams("+5511977776666");
        params.put("From", "+15550002222");
        params.put("Direction", "outbound-api");

        Document xml = twiml(postSigned("/webhook/twilio/voice", params));

        assertEquals("biz-2", streamParameters((Element) xml.getElementsByTagName("Stream").item(0)).get("BusinessId"));
    }

    // ---- signatures

    @Test
    void oneChangedParameterIsRefusedWith403AndEnqueuesNothing() {
        String url = PUBLIC + "/webhook/twilio/voice";
        String signature = PythonTwilioSigner.sign(TOKEN, url, voiceParams(BIZ_1_NUMBER)).signature();
        Map<String, String> changed = voiceParams(BIZ_1_NUMBER);
        changed.put("From", "+5511988887778");
        String tamperedBody = PythonTwilioSigner.sign(TOKEN, url, changed).body();

        assertRefused(post("/webhook/twilio/voice", tamperedBody, signature, "application/x-www-form-urlencoded"),
                403, "X-Twilio-Signature does not match");
    }

    @Test
    void anAddedParameterIsRefused() {
        String url = PUBLIC + "/webhook/twilio/status";
        String signature = PythonTwilioSigner.sign(TOKEN, url, statusParams("completed")).signature();
        String body = PythonTwilioSigner.sign(TOKEN, url, statusParams("completed")).body() + "&Extra=1";

        assertRefused(post("/webhook/twilio/status", body, signature, "application/x-www-form-urlencoded"),
                403, "does not match");
    }

    @Test
    void missingSignatureIsRefused() {
        String body = PythonTwilioSigner.sign(TOKEN, PUBLIC + "/webhook/twilio/voice", voiceParams(BIZ_1_NUMBER)).body();
        assertRefused(post("/webhook/twilio/voice", body, null, "application/x-www-form-urlencoded"),
                403, "missing X-Twilio-Signature");
    }

    @Test
    void signatureOverAnotherPublicHostIsRefused() {
        PythonTwilioSigner.Signed signed = PythonTwilioSigner.sign(TOKEN,
                "https://api.other-example.com/webhook/twilio/voice", voiceParams(BIZ_1_NUMBER));
        assertRefused(post("/webhook/twilio/voice", signed.body(), signed.signature(), "application/x-www-form-urlencoded"),
                403, "does not match");
    }

    @Test
    void signatureOverTheUrlThisServerSeesIsRefused() {
        // what a validator that trusted the Host header would accept
        String seen = "http://127.0.0.1:" + api.port() + "/webhook/twilio/voice";
        PythonTwilioSigner.Signed signed = PythonTwilioSigner.sign(TOKEN, seen, voiceParams(BIZ_1_NUMBER));
        assertRefused(post("/webhook/twilio/voice", signed.body(), signed.signature(), "application/x-www-form-urlencoded"),
                403, "does not match");
    }

    @Test
    void signatureUnderAnotherAuthTokenIsRefused() {
        PythonTwilioSigner.Signed signed = PythonTwilioSigner.sign(TOKEN + "x", PUBLIC + "/webhook/twilio/voice",
                voiceParams(BIZ_1_NUMBER));
        assertRefused(post("/webhook/twilio/voice", signed.body(), signed.signature(), "application/x-www-form-urlencoded"),
                403, "does not match");
    }

    @Test
    void queryParametersAreSignedAsPartOfTheUrlNeverAsParameters() {
        Map<String, String> params = voiceParams(BIZ_1_NUMBER);
        Document accepted = twiml(postSigned("/webhook/twilio/voice?source=main%20line&x=1", params));
        assertEquals(1, accepted.getElementsByTagName("Stream").getLength(), "signed over the URL with its query");
        assertEquals(1, queued(), "its prompt job");
        redis.commands().flushall();   // the refusal below must enqueue nothing of its own

        // a signer that merged the query into the parameters signs something else
        Map<String, String> merged = new LinkedHashMap<>(params);
        merged.put("source", "main line");
        merged.put("x", "1");
        String signature = PythonTwilioSigner.sign(TOKEN, PUBLIC + "/webhook/twilio/voice", merged).signature();
        String body = PythonTwilioSigner.sign(TOKEN, PUBLIC, params).body();
        assertRefused(post("/webhook/twilio/voice?source=main%20line&x=1", body, signature,
                "application/x-www-form-urlencoded"), 403, "does not match");
    }

    @Test
    void withoutAuthTokenEveryTwilioRequestIsRefused() {
        try (ApiRole unconfigured = ApiRole.start(ApiFixture.config(redis.url()), TWILIO_ENV, List.of())) {
            for (String path : List.of("/webhook/twilio/voice", "/webhook/twilio/status", "/webhook/twilio/recording")) {
                assertRefused(postSigned(unconfigured, path, voiceParams(BIZ_1_NUMBER)), 403, "not configured");
            }
        }
    }

    @Test
    void withoutPublicBaseUrlEveryTwilioRequestIsRefused() {
        RoleConfig config = ApiFixture.config(redis.url(), Map.of("TWILIO_AUTH_TOKEN", TOKEN));
        try (ApiRole unconfigured = ApiRole.start(config, Map.of("TWILIO_NUMBERS", BIZ_1_NUMBER + ":biz-1"), List.of())) {
            assertRefused(postSigned(unconfigured, "/webhook/twilio/voice", voiceParams(BIZ_1_NUMBER)), 403,
                    "not configured");
        }
    }

    @Test
    void apiWithTwilioConfiguredAndNoCallsUrlRefusesToStart() {
        RoleConfig config = ApiFixture.config(redis.url(), Map.of("TWILIO_AUTH_TOKEN", TOKEN));
        ConfigException e = assertThrows(ConfigException.class, () -> ApiRole.start(config,
                Map.of("PUBLIC_BASE_URL", "https://api.example.com", "TWILIO_NUMBERS", BIZ_1_NUMBER + ":biz-1"), List.of()));
        assertTrue(e.getMessage().contains("CALLS_PUBLIC_URL is required"), e.getMessage());
    }

    // ---- status

    @Test
    void completedCallEnqueuesItsFinalizationOnceHoweverOftenTwilioRetries() {
        HttpResponse<String> response = postSigned("/webhook/twilio/status", statusParams("completed"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, json(response).path("enqueued").asInt(), response.body());
        String jobId = json(response).path("job_ids").get(0).asText();
        assertTrue(jobId.startsWith("finalize_call_log_job-"), jobId);
        assertEquals(List.of(jobId), redis.commands().lrange("rq:queue:default", 0, -1));
        assertEquals("biz-1", redis.commands().hget("rq:job:" + jobId, "business_id"));

        HttpResponse<String> retried = postSigned("/webhook/twilio/status", statusParams("completed"));
        assertEquals(1, json(retried).path("duplicates").asInt(), retried.body());
        assertEquals(1, queued());
    }

    @Test
    void everyFinalStatusOfACallFinalizesItOnce() {
        for (String status : List.of("busy", "failed", "no-answer", "canceled")) {
            HttpResponse<String> response = postSigned("/webhook/twilio/status", statusParams(status));
            assertEquals(200, response.statusCode(), status + ": " + response.body());
            assertEquals(1, json(response).path("job_ids").size(), response.body());
        }
        assertEquals(1, queued(), "a call ends once: the first final status is the one");
    }

    @Test
    void ringingCallEnqueuesNothing() {
        for (String status : List.of("initiated", "ringing", "in-progress")) {
            HttpResponse<String> response = postSigned("/webhook/twilio/status", statusParams(status));
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(0, json(response).path("enqueued").asInt());
            assertTrue(json(response).path("ignored").asText().contains("not final"), response.body());
        }
        assertEquals(0, queued());
    }

    // ---- recording

    @Test
    void completedRecordingEnqueuesOneRecordingJobPerRecordingSidForTheBusinessOfTheCallbackUrl() {
        HttpResponse<String> response = postSigned("/webhook/twilio/recording?business_id=biz-1",
                recordingParams("completed"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(1, json(response).path("enqueued").asInt(), response.body());
        String jobId = json(response).path("job_ids").get(0).asText();
        assertTrue(jobId.startsWith("recording_job-"), jobId);
        assertEquals(List.of(jobId), redis.commands().lrange("rq:queue:recordings", 0, -1));
        assertEquals("biz-1", redis.commands().hget("rq:job:" + jobId, "business_id"));
        dev.switchboard.ports.out.JobView job;
        try (dev.switchboard.adapters.redis.RedisConnections connections =
                     dev.switchboard.adapters.redis.RedisConnections.connect(redis.url())) {
            job = new dev.switchboard.adapters.redis.RedisJobInspection(connections, java.time.Clock.systemUTC())
                    .find(dev.switchboard.ports.out.BusinessScope.all(), jobId).orElseThrow();
        }
        assertEquals("biz-1", job.kwargs().get("business_id"));
        assertEquals(CALL, job.kwargs().get("call_sid"));
        assertEquals(RECORDING, job.kwargs().get("recording_sid"));

        HttpResponse<String> retried = postSigned("/webhook/twilio/recording?business_id=biz-1",
                recordingParams("completed"));
        assertEquals(1, json(retried).path("duplicates").asInt(), retried.body());
        Map<String, String> second = recordingParams("completed");
        second.put("RecordingSid", "RE" + "0".repeat(31) + "2");
        HttpResponse<String> another = postSigned("/webhook/twilio/recording?business_id=biz-1", second);
        assertEquals(1, json(another).path("enqueued").asInt(), "a second recording of the same call: " + another.body());
        assertEquals(2, queued());
    }

    @Test
    void recordingNotCompletedOrOfNoKnownBusinessEnqueuesNothing() {
        assertEquals(200, postSigned("/webhook/twilio/recording?business_id=biz-1", recordingParams("absent")).statusCode());
        assertEquals(200, postSigned("/webhook/twilio/recording", recordingParams("completed")).statusCode());
        HttpResponse<String> unknown = postSigned("/webhook/twilio/recording?business_id=biz-9", recordingParams("completed"));
        assertTrue(json(unknown).path("ignored").asText().contains("biz-9"), unknown.body());
        assertEquals(0, queued());
    }

    // ---- bad input

    @Test
    void missingRequiredFieldAfterAValidSignatureIs400() {
        Map<String, String> params = voiceParams(BIZ_1_NUMBER);
        params.remove("To");
        assertRefused(postSigned("/webhook/twilio/voice", params), 400, "To is required");
        Map<String, String> noSid = statusParams("completed");
        noSid.remove("CallSid");
        assertRefused(postSigned("/webhook/twilio/status", noSid), 400, "CallSid is required");
        Map<String, String> noUrl = recordingParams("completed");
        noUrl.remove("RecordingUrl");
        assertRefused(postSigned("/webhook/twilio/recording?business_id=biz-1", noUrl), 400, "RecordingUrl is required");
    }

    @Test
    void malformedFormBodyIsRefused() {
        assertRefused(post("/webhook/twilio/voice", "CallSid=" + CALL + "&To=%zz", "sig", "application/x-www-form-urlencoded"),
                400, "malformed form body");
    }

    @Test
    void repeatedFormFieldIsRefused() {
        assertRefused(post("/webhook/twilio/voice", "CallSid=" + CALL + "&To=%2B1&To=%2B2", "sig",
                "application/x-www-form-urlencoded"), 400, "repeated");
    }

    @Test
    void wrongContentTypeIsRefused() {
        PythonTwilioSigner.Signed signed = PythonTwilioSigner.sign(TOKEN, PUBLIC + "/webhook/twilio/voice",
                voiceParams(BIZ_1_NUMBER));
        assertRefused(post("/webhook/twilio/voice", "{\"CallSid\":\"" + CALL + "\"}", signed.signature(), "application/json"),
                415, "application/x-www-form-urlencoded");
        assertRefused(post("/webhook/twilio/voice", signed.body(), signed.signature(), null),
                415, "application/x-www-form-urlencoded");
    }

    @Test
    void bodyOver64KibIsRefused() {
        Map<String, String> params = voiceParams(BIZ_1_NUMBER);
        params.put("Padding", "x".repeat(64 * 1024));
        assertRefused(postSigned("/webhook/twilio/voice", params), 413, "64 KiB");
    }
}
