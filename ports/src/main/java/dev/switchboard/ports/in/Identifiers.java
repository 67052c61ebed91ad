package dev.switchboard.ports.in;

/**
 * The shape every identifier from outside must have before it becomes part of a job, a key or a
 * log line (message ids, tenant ids, notification and user ids): no control character (NUL
 * included), no line or paragraph separator (U+2028, U+2029: they break log lines and JavaScript
 * string literals), and no half of a surrogate pair. A lone surrogate cannot be encoded in UTF-8:
 * every one would be written as the same '?', so two different message ids would share one dedupe
 * key and the second message would be dropped as a duplicate.
 */
public final class Identifiers {
    private Identifiers() {
    }

    /** Throws {@link InvalidCommandException} naming {@code name} when {@code value} is not well formed. */
    public static void requireWellFormed(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new InvalidCommandException(name + " must not contain control characters or line separators");
            }
        }
        if (firstUnstorable(value) >= 0) {
            throw new InvalidCommandException(name + " must be valid Unicode (it holds half of a surrogate pair)");
        }
    }

    /**
     * Where {@code text} holds what the CRM store cannot keep as given: the index of the first NUL
     * character (PostgreSQL's text refuses it) or half of a surrogate pair (no UTF-8 for it: the
     * driver would write '?'), or -1 when there is none. Free text may hold every other character;
     * the one rule for API input (refused, JsonBodies) and a stranger's messages (replaced,
     * {@link #storable}).
     */
    public static int firstUnstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (pairAt(text, i)) {
                i++;
            } else if (c == '\0' || Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** {@code text} with each NUL character and each half of a surrogate pair replaced by U+FFFD. */
    public static String storable(String text) {
        int first = firstUnstorable(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (pairAt(text, i)) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(c == '\0' || Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    private static boolean pairAt(String text, int i) {
        return Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(i + 1));
    }
}
