-- recording_job and cleanup_old_recordings_job: a recording kept without a transcript (no
-- speech-to-text configured) is 'untranscribed', not 'pending' (which would promise a transcript
-- that nothing will write); a deleted recording's audio says when it went.

ALTER TABLE recordings DROP CONSTRAINT recordings_status_check;
ALTER TABLE recordings ADD CONSTRAINT recordings_status_check
    CHECK (status IN ('pending', 'transcribed', 'untranscribed', 'failed', 'deleted'));

ALTER TABLE recordings ADD COLUMN deleted_at timestamptz;
ALTER TABLE recordings ADD CONSTRAINT recordings_deleted_when CHECK ((status = 'deleted') = (deleted_at IS NOT NULL));
