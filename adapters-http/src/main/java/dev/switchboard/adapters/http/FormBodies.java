package dev.switchboard.adapters.http;

import io.helidon.http.HttpMediaType;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an {@code application/x-www-form-urlencoded} body (Twilio's webhooks) with the checks every
 * such endpoint needs: the content type, a 64 KiB limit enforced while reading, and a strict
 * decoder. The body is parsed here, never through a framework's parameter map, so query-string
 * parameters can never mix with the body's (Twilio signs them apart).
 */
final class FormBodies {
    static final int MAX_BYTES = 64 * 1024;
    static final String MEDIA_TYPE = "application/x-www-form-urlencoded";

    private FormBodies() {
    }

    /**
     * The body's fields in the order sent. A repeated name is refused: the signature scheme (and the
     * SDK's validator) cannot represent it, and Twilio never sends one.
     */
    static Map<String, String> read(ServerRequest request) {
        HttpMediaType type = request.headers().contentType()
                .orElseThrow(FormBodies::wrongType);
        if (!type.mediaType().text().equalsIgnoreCase(MEDIA_TYPE)) {
            throw wrongType();
        }
        if (type.charset().filter(c -> !c.equalsIgnoreCase("utf-8")).isPresent()) {
            throw new HttpProblem(Status.UNSUPPORTED_MEDIA_TYPE_415, "form bodies must be UTF-8");
        }
        return unique(parse(RequestBodies.read(request, MAX_BYTES, "request body is larger than 64 KiB"), "body"));
    }

    /**
     * Decodes {@code a=1&b=x+y%21} into pairs, in order: {@code +} is a space, {@code %XX} a UTF-8
     * byte. Empty segments ({@code a=1&&b=2}) are skipped; a segment without {@code =} is a name with
     * an empty value. Malformed escapes, invalid UTF-8 and empty names are refused.
     */
    static List<Map.Entry<String, String>> parse(byte[] raw, String what) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw malformed(what, "it is not UTF-8");
        }
        if (text.isEmpty()) {
            return List.of();
        }
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (String segment : text.split("&", -1)) {
            if (segment.isEmpty()) {
                continue;
            }
            int eq = segment.indexOf('=');
            String name = decode(eq < 0 ? segment : segment.substring(0, eq), what);
            String value = eq < 0 ? "" : decode(segment.substring(eq + 1), what);
            if (name.isEmpty()) {
                throw malformed(what, "a field has no name");
            }
            pairs.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
        }
        return Collections.unmodifiableList(pairs);
    }

    private static String decode(String encoded, String what) {
        String decoded;
        try {
            decoded = URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(what, "it has a malformed %-escape");
        }
        // URLDecoder replaces escaped bytes that are not UTF-8 instead of failing.
        if (decoded.indexOf('\uFFFD') >= 0 && !encoded.contains("\uFFFD")) {
            throw malformed(what, "an escaped value is not UTF-8");
        }
        return decoded;
    }

    static Map<String, String> unique(List<Map.Entry<String, String>> pairs) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, String> pair : pairs) {
            if (fields.putIfAbsent(pair.getKey(), pair.getValue()) != null) {
                throw new HttpProblem(Status.BAD_REQUEST_400, "form field '" + printable(pair.getKey())
                        + "' is repeated");
            }
        }
        return fields;
    }


    /** A name as it may appear in an error message: bounded, no control characters. */
    static String printable(String name) {
        String cut = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static HttpProblem malformed(String what, String why) {
        return new HttpProblem(Status.BAD_REQUEST_400, "malformed form " + what + ": " + why);
    }

    private static HttpProblem wrongType() {
        return new HttpProblem(Status.UNSUPPORTED_MEDIA_TYPE_415, "Content-Type must be " + MEDIA_TYPE);
    }

}
