package dev.switchboard.ports.in;

import dev.switchboard.ports.out.EnqueueResult;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SequencedMap;

/** What became of a call event: what to tell the provider, and which jobs were enqueued. */
public sealed interface ReceiveCallEventResult {

    /** The jobs the event produced, new or folded into earlier ones; empty when none. */
    List<EnqueueResult> jobs();

    default long enqueued() {
        return jobs().stream().filter(EnqueueResult.Enqueued.class::isInstance).count();
    }

    default long duplicates() {
        return jobs().stream().filter(EnqueueResult.Duplicate.class::isInstance).count();
    }

    /**
     * The call belongs to {@code businessId}: connect its audio to our media stream, handing the
     * stream {@code streamParameters} (in order).
     *
     * @param warning what went wrong without stopping the call (a job that could not be enqueued),
     *                for the log
     * @param record  whether to record the call, its recording reported to the business's recording
     *                callback (when recording is not switched off)
     */
    record ConnectToMediaStream(String businessId, SequencedMap<String, String> streamParameters,
                                List<EnqueueResult> jobs, Optional<String> warning, boolean record)
            implements ReceiveCallEventResult {
        public ConnectToMediaStream {
            Objects.requireNonNull(businessId, "businessId");
            streamParameters = Collections.unmodifiableSequencedMap(new LinkedHashMap<>(streamParameters));
            jobs = List.copyOf(jobs);
            Objects.requireNonNull(warning, "warning");
        }

        public ConnectToMediaStream(String businessId, SequencedMap<String, String> streamParameters,
                                    List<EnqueueResult> jobs) {
            this(businessId, streamParameters, jobs, Optional.empty(), false);
        }
    }

    /** No business owns the call: refuse it. Nothing was enqueued. */
    record RejectCall(String reason) implements ReceiveCallEventResult {
        public RejectCall {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public List<EnqueueResult> jobs() {
            return List.of();
        }
    }

    /** A callback of {@code businessId} was turned into {@code jobs}. */
    record Accepted(String businessId, List<EnqueueResult> jobs) implements ReceiveCallEventResult {
        public Accepted {
            Objects.requireNonNull(businessId, "businessId");
            jobs = List.copyOf(jobs);
        }
    }

    /** A callback that needs no work (a call still ringing, a recording not finished). */
    record Ignored(String reason) implements ReceiveCallEventResult {
        public Ignored {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public List<EnqueueResult> jobs() {
            return List.of();
        }
    }
}
