package dev.switchboard.ports.out;

/**
 * Call recordings kept by the telephony provider (Twilio): their audio, and their deletion. One
 * account serves every business; a recording is named by the provider's id ({@code RE…}).
 */
public interface CallRecordings {

    /**
     * The recording's audio, mono.
     *
     * @throws CallRecordingException when it is gone, refused or the provider is unreachable
     */
    RecordingAudio download(String recordingSid);

    /**
     * Deletes the recording at the provider.
     *
     * @return true when this call deleted it, false when it was already gone (deleting is
     *     idempotent, so a retried cleanup is harmless)
     * @throws CallRecordingException when the provider refused or could not be reached; a 404 is
     *     no exception but {@code false}
     */
    boolean delete(String recordingSid);

    /** No provider configured: every use fails, saying what to set. */
    static CallRecordings unconfigured(String why) {
        return new CallRecordings() {
            @Override
            public RecordingAudio download(String recordingSid) {
                throw new CallRecordingException(CallRecordingException.Kind.DENIED, why, null);
            }

            @Override
            public boolean delete(String recordingSid) {
                throw new CallRecordingException(CallRecordingException.Kind.DENIED, why, null);
            }
        };
    }
}
