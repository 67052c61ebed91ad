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
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidCommandException(name + " must be valid Unicode (it holds half of a surrogate pair)");
            }
        }
    }
}
