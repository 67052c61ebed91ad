-- Call logs written by the call jobs: the media stream that carried a call, and what the sweep for
-- calls of a dead calls process looks for.

-- The Twilio stream (MZ…) whose calls process speaks for the call; NULL until a stream opened it.
ALTER TABLE call_logs ADD COLUMN stream_sid text CHECK (stream_sid <> '');

-- A call log is open, or finalized with its end, duration and outcome: never half of it.
ALTER TABLE call_logs ADD CONSTRAINT call_logs_finalized_whole CHECK (
    (ended_at IS NULL AND outcome IS NULL AND duration_seconds IS NULL)
    OR (ended_at IS NOT NULL AND outcome IS NOT NULL AND duration_seconds IS NOT NULL));
ALTER TABLE call_logs ADD CONSTRAINT call_logs_outcome_known CHECK (
    outcome IN ('completed', 'interrupted', 'failed', 'busy', 'no-answer', 'canceled'));

-- finalize_abandoned_calls_job: open calls that a stream carried, oldest first, across businesses.
CREATE INDEX call_logs_open_streams ON call_logs (started_at) WHERE ended_at IS NULL AND stream_sid IS NOT NULL;
