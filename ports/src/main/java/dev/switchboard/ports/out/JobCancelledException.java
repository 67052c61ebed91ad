package dev.switchboard.ports.out;

/** Thrown at a cancellation point of a running job that was cancelled. Not a failure. */
public final class JobCancelledException extends RuntimeException {
    public JobCancelledException(String jobId) {
        super("job " + jobId + " was cancelled", null, false, false);
    }
}
