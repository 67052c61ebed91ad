package dev.switchboard.ports.out;

/**
 * The job store (Redis) could not be reached or did not answer in time. Callers on the request
 * path answer 503 and let the sender retry; dedupe absorbs the repeats.
 */
public class JobStoreUnavailableException extends RuntimeException {
    public JobStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
