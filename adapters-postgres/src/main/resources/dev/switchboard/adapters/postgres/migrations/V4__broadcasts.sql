-- WhatsApp broadcasts: one run per bulk send, one row per recipient of the run.

CREATE TABLE broadcast_runs (
    id          uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id text NOT NULL REFERENCES businesses (id),
    run_id      text NOT NULL CHECK (run_id <> ''),
    message     text NOT NULL,
    status      text NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    total       integer NOT NULL DEFAULT 0 CHECK (total >= 0),
    sent        integer NOT NULL DEFAULT 0 CHECK (sent >= 0),
    failed      integer NOT NULL DEFAULT 0 CHECK (failed >= 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    started_at  timestamptz,
    finished_at timestamptz,
    -- The run id is the jobs' run_id (cancel by run): starting a run twice makes one row.
    CONSTRAINT broadcast_runs_business_run_key UNIQUE (business_id, run_id),
    CONSTRAINT broadcast_runs_business_id_key UNIQUE (business_id, id)
);
CREATE INDEX broadcast_runs_business_newest ON broadcast_runs (business_id, created_at DESC);

CREATE TABLE broadcast_recipients (
    business_id text NOT NULL,
    run_id      uuid NOT NULL,
    recipient   text NOT NULL,
    state       text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'skipped')),
    error       text,
    sent_at     timestamptz,
    -- A rerun of broadcast_job skips recipients already sent: one row per recipient of a run.
    CONSTRAINT broadcast_recipients_run_recipient_key UNIQUE (run_id, recipient),
    CONSTRAINT broadcast_recipients_run_fkey FOREIGN KEY (business_id, run_id)
        REFERENCES broadcast_runs (business_id, id) ON DELETE CASCADE
);
CREATE INDEX broadcast_recipients_pending ON broadcast_recipients (run_id) WHERE state = 'pending';
