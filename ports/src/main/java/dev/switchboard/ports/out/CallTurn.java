package dev.switchboard.ports.out;

import java.time.Instant;
import java.util.Objects;

/**
 * One turn of a call's conversation.
 *
 * @param seq     the turn's number within its call, from 0; a turn saved twice is saved once
 * @param speaker {@code caller} or {@code agent}
 * @param text    what was said (a final transcript, or what the agent actually spoke)
 */
public record CallTurn(int seq, String speaker, String text, Instant at) {
    public static final String CALLER = "caller";
    public static final String AGENT = "agent";
    /** Longest turn kept; a longer one is cut (a turn is a few spoken sentences). */
    public static final int MAX_TEXT = 4000;

    public CallTurn {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must not be negative");
        }
        Objects.requireNonNull(speaker, "speaker");
        if (!speaker.equals(CALLER) && !speaker.equals(AGENT)) {
            throw new IllegalArgumentException("speaker must be caller or agent, was '" + speaker + "'");
        }
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("a turn needs text");
        }
        text = text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
        Objects.requireNonNull(at, "at");
    }
}
