package dev.switchboard.ports.out;

/** What happened to a {@link JobRequest}: a new job, or a duplicate of an existing one. */
public sealed interface EnqueueResult {

    /** The id of the new job, or of the job the duplicate was folded into. */
    String jobId();

    /** A new job was written and queued. */
    record Enqueued(String jobId) implements EnqueueResult { }

    /** The dedupe key (or the deterministic job id) was already taken; nothing was written. */
    record Duplicate(String jobId) implements EnqueueResult { }
}
