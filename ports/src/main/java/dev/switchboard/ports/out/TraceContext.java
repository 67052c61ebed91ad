package dev.switchboard.ports.out;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The trace id and business of the work the current thread is doing (an HTTP request, a job), so
 * that every log line written on its behalf carries them. Set by the adapter or role that starts
 * the work; read by the log formatter. Each request and each job has its own (virtual) thread.
 */
public final class TraceContext {
    /** What the current work is about. */
    public record Tags(String traceId, Optional<String> businessId) { }

    private static final ThreadLocal<Tags> CURRENT = new ThreadLocal<>();

    private TraceContext() {
    }

    public static Optional<Tags> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** Runs {@code work} tagged with {@code traceId} and {@code businessId} (may be null). */
    public static <T> T with(String traceId, String businessId, Supplier<T> work) {
        Tags previous = CURRENT.get();
        CURRENT.set(new Tags(traceId, Optional.ofNullable(businessId)));
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Adds or replaces the business of the current work (known only after authentication). */
    public static void tagBusiness(String businessId) {
        Tags tags = CURRENT.get();
        if (tags != null) {
            CURRENT.set(new Tags(tags.traceId(), Optional.ofNullable(businessId)));
        }
    }
}
