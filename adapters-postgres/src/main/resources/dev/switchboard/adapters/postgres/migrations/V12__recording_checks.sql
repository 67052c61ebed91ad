-- recording_job stores a recording as 'pending' before it fetches the audio, and marks it 'failed'
-- when it cannot be transcribed (Google refused it for good, Twilio refused the media), so that the
-- retention still deletes its audio at Twilio. Why it failed is kept for the operator.

ALTER TABLE recordings ADD COLUMN failure_reason text;
ALTER TABLE recordings ADD CONSTRAINT recordings_failed_why CHECK (status <> 'failed' OR failure_reason IS NOT NULL);

-- recording_job checks that no other business has a log of the recording's call before it writes
-- anything under the business its callback URL named.
CREATE INDEX call_logs_call_sid ON call_logs (call_sid);

-- A long recording's transcription, piece by piece: how far a pending recording got (milliseconds
-- of audio from its start) and the transcript of that much, so that the next attempt goes on
-- from there. Only a pending recording has it.
ALTER TABLE recordings ADD COLUMN progress_ms bigint CHECK (progress_ms >= 0);
ALTER TABLE recordings ADD COLUMN progress_transcript text;
ALTER TABLE recordings ADD CONSTRAINT recordings_progress_pending
    CHECK (progress_ms IS NULL OR (status = 'pending' AND progress_transcript IS NOT NULL));
