package dev.switchboard.adapters.media.twilio;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verified vectors of docs/twilio.md, "X-Twilio-Signature": computed with Python and checked
 * against twilio-java and twilio-node, so they test our use of the SDK against implementations
 * that are not ours.
 */
class TwilioRequestSignaturesTest {
    private static final TwilioRequestSignatures SIGNATURES = new TwilioRequestSignatures("12345");
    private static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";

    private static Map<String, String> params(String caller) {
        Map<String, String> params = new HashMap<>();
        params.put("CallSid", "CA1234567890ABCDE");
        params.put("Caller", caller);
        params.put("Digits", "1234");
        params.put("From", caller);
        params.put("To", "+18005551212");
        return params;
    }

    @Test
    void acceptsTheSpecVectorForTheDocumentedParameters() {
        assertTrue(SIGNATURES.isValid(URL, params("+14158675309"), "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    @Test
    void acceptsTheSpecVectorForOtherParameters() {
        assertTrue(SIGNATURES.isValid(URL, params("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="));
    }

    @Test
    void acceptsTheSpecVectorWithoutParameters() {
        assertTrue(SIGNATURES.isValid(URL, Map.of(), "zYQTYrRWXE7LtzbG4PfP7/bkkGo="));
    }

    @Test
    void acceptsASignatureTwilioComputedWithTheDefaultPortEitherWay() {
        // signed over https://mycompany.com:443/...; we see the URL without the port, and vice versa
        assertTrue(SIGNATURES.isValid(URL, params("+14158675309"), "kvajT1Ptam85bY51eRf/AJRuM3w="));
        assertTrue(SIGNATURES.isValid("https://mycompany.com:443/myapp.php?foo=1&bar=2", params("+14158675309"),
                "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    @Test
    void refusesTheVectorWhenOneParameterChanged() {
        Map<String, String> changed = params("+14158675309");
        changed.put("Digits", "1235");
        assertFalse(SIGNATURES.isValid(URL, changed, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    @Test
    void refusesTheVectorWhenAParameterWasAddedOrRemoved() {
        Map<String, String> added = params("+14158675309");
        added.put("Extra", "");
        assertFalse(SIGNATURES.isValid(URL, added, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        Map<String, String> removed = params("+14158675309");
        removed.remove("Digits");
        assertFalse(SIGNATURES.isValid(URL, removed, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    @Test
    void refusesTheVectorForAnotherUrlOrQuery() {
        assertFalse(SIGNATURES.isValid("https://mycompany.com/myapp.php?foo=1&bar=3", params("+14158675309"),
                "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        assertFalse(SIGNATURES.isValid("https://evil.example/myapp.php?foo=1&bar=2", params("+14158675309"),
                "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
        // query parameters are part of the URL, never of the signed parameters
        Map<String, String> merged = params("+14158675309");
        merged.put("foo", "1");
        merged.put("bar", "2");
        assertFalse(SIGNATURES.isValid(URL, merged, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    @Test
    void refusesTheVectorUnderAnotherToken() {
        assertFalse(new TwilioRequestSignatures("12346").isValid(URL, params("+14158675309"),
                "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    @Test
    void refusesAnEmptyOrMissingSignature() {
        assertFalse(SIGNATURES.isValid(URL, params("+14158675309"), ""));
        assertFalse(SIGNATURES.isValid(URL, params("+14158675309"), null));
    }

    @Test
    void refusesABlankTokenAndNeverPrintsIt() {
        assertThrows(IllegalArgumentException.class, () -> new TwilioRequestSignatures(" "));
        assertFalse(new TwilioRequestSignatures("sekrit-token").toString().contains("sekrit"));
    }
}
