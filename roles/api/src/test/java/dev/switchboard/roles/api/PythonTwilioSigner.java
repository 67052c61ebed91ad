package dev.switchboard.roles.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Signs Twilio webhook requests with Python's standard library: the test oracle for
 * {@code X-Twilio-Signature}.
 *
 * <p>Why Python: the api validates with the Twilio Java SDK, so a signature computed by that SDK (or
 * by any Java code of ours) would agree with the server even if both misread the scheme, e.g.
 * merged query parameters into the signed ones or signed the encoded instead of the decoded values.
 * This is a second implementation in a second language, written from the spec
 * (docs/twilio.md, "X-Twilio-Signature": URL + each name and value in name order, HMAC-SHA1 keyed by
 * the auth token, base64), using only {@code hmac}, {@code hashlib} and {@code base64}. It also
 * encodes the form body itself ({@code urllib.parse.urlencode}), so the server's form decoding is
 * checked against an encoder that is not ours either. {@code /usr/bin/python3} is the system's
 * interpreter (Debian), present wherever the build runs.
 */
final class PythonTwilioSigner {
    static final String PYTHON = "/usr/bin/python3";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = """
            import base64, hashlib, hmac, json, sys, urllib.parse
            req = json.loads(sys.argv[1])
            pairs = [(p[0], p[1]) for p in req["params"]]
            data = req["url"] + "".join(name + value for name, value in sorted(pairs, key=lambda p: p[0]))
            digest = hmac.new(req["token"].encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
            print(json.dumps({"signature": base64.b64encode(digest).decode("ascii"),
                              "body": urllib.parse.urlencode(pairs)}))
            """;

    /** A form body and the signature Twilio would send with it. */
    record Signed(String body, String signature) {
    }

    private PythonTwilioSigner() {
    }

    /**
     * @param url    the URL Twilio requested, query string included
     * @param params the POST form fields, in body order (URL-decoded values)
     */
    static Signed sign(String token, String url, Map<String, String> params) {
        List<List<String>> pairs = new ArrayList<>();
        params.forEach((name, value) -> pairs.add(List.of(name, value)));
        try {
            String request = JSON.writeValueAsString(Map.of("token", token, "url", url, "params", pairs));
            Process python = new ProcessBuilder(PYTHON, "-c", SCRIPT, request).redirectErrorStream(true).start();
            byte[] out = python.getInputStream().readAllBytes();
            if (!python.waitFor(30, TimeUnit.SECONDS) || python.exitValue() != 0) {
                throw new AssertionError("python signer failed: " + new String(out, StandardCharsets.UTF_8));
            }
            JsonNode answer = JSON.readTree(out);
            return new Signed(answer.path("body").asText(), answer.path("signature").asText());
        } catch (IOException e) {
            throw new AssertionError("cannot run " + PYTHON + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
