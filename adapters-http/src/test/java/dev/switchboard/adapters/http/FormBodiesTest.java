package dev.switchboard.adapters.http;

import io.helidon.http.Status;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FormBodiesTest {
    private static Map<String, String> parse(String body) {
        return FormBodies.unique(FormBodies.parse(body.getBytes(StandardCharsets.UTF_8), "body"));
    }

    private static void assertMalformed(String body, String reasonPart) {
        HttpProblem problem = assertThrows(HttpProblem.class, () -> parse(body));
        assertEquals(Status.BAD_REQUEST_400, problem.status());
        assertTrue(problem.getMessage().contains(reasonPart), problem.getMessage());
    }

    @Test
    void decodesPlusAsSpaceAndEscapesAsUtf8() {
        assertEquals(Map.of("From", "+5511988887777", "Name", "Jo\u00e3o Silva", "Empty", ""),
                parse("From=%2B5511988887777&Name=Jo%C3%A3o+Silva&Empty="));
    }

    @Test
    void keepsTheOrderSentAndSkipsEmptySegments() {
        assertEquals(List.of("b", "a", "c"), List.copyOf(parse("b=1&&a=2&c").keySet()));
        assertEquals("", parse("b=1&&a=2&c").get("c"));
        assertEquals(Map.of(), parse(""));
    }

    @Test
    void refusesAMalformedEscape() {
        assertMalformed("CallSid=CA1&To=%zz", "%-escape");
        assertMalformed("CallSid=CA1&To=%4", "%-escape");
    }

    @Test
    void refusesEscapedBytesThatAreNotUtf8() {
        assertMalformed("To=%C3%28", "not UTF-8");
        HttpProblem raw = assertThrows(HttpProblem.class,
                () -> FormBodies.parse(new byte[] {'a', '=', (byte) 0xC3, (byte) 0x28}, "body"));
        assertTrue(raw.getMessage().contains("not UTF-8"), raw.getMessage());
    }

    @Test
    void refusesAFieldWithoutName() {
        assertMalformed("=x&a=1", "no name");
    }

    @Test
    void refusesARepeatedName() {
        assertMalformed("To=+1&To=+2", "'To' is repeated");
    }
}
