package dev.switchboard.ports.out;

import java.util.List;
import java.util.Objects;

/** One page of a business's call logs, newest first, and how many there are in all. */
public record CallLogPage(List<CallLog> calls, long total, int offset, int limit) {
    public CallLogPage {
        calls = List.copyOf(Objects.requireNonNull(calls, "calls"));
    }
}
