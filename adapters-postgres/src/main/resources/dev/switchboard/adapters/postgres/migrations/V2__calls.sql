-- Phone calls: one log per Twilio call, its transcript turns, and call recordings.

CREATE TABLE call_logs (
    id               uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id      text NOT NULL REFERENCES businesses (id),
    call_sid         text NOT NULL CHECK (call_sid <> ''),
    lead_id          uuid,
    direction        text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    from_number      text,
    to_number        text,
    started_at       timestamptz NOT NULL,
    ended_at         timestamptz,
    duration_seconds integer CHECK (duration_seconds >= 0),
    outcome          text,
    transcript       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- create_call_log_job runs at least once: the call's sid makes the second run a no-op.
    CONSTRAINT call_logs_business_call_sid_key UNIQUE (business_id, call_sid),
    CONSTRAINT call_logs_business_id_key UNIQUE (business_id, id),
    CONSTRAINT call_logs_lead_fkey FOREIGN KEY (business_id, lead_id) REFERENCES leads (business_id, id)
);
CREATE INDEX call_logs_business_newest ON call_logs (business_id, started_at DESC);
CREATE INDEX call_logs_lead ON call_logs (business_id, lead_id, started_at DESC) WHERE lead_id IS NOT NULL;

CREATE TABLE call_turns (
    business_id text NOT NULL,
    call_log_id uuid NOT NULL,
    seq         integer NOT NULL CHECK (seq >= 0),
    speaker     text NOT NULL CHECK (speaker IN ('caller', 'agent')),
    text        text NOT NULL,
    at          timestamptz NOT NULL,
    -- save_conversation_turn_job may run twice: a turn's number within its call is unique.
    CONSTRAINT call_turns_pkey PRIMARY KEY (business_id, call_log_id, seq),
    CONSTRAINT call_turns_call_log_fkey FOREIGN KEY (business_id, call_log_id)
        REFERENCES call_logs (business_id, id) ON DELETE CASCADE
);

CREATE TABLE recordings (
    id               uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id      text NOT NULL REFERENCES businesses (id),
    recording_sid    text NOT NULL CHECK (recording_sid <> ''),
    call_sid         text NOT NULL,
    url              text NOT NULL,
    duration_seconds integer CHECK (duration_seconds >= 0),
    transcript       text,
    status           text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'transcribed', 'failed', 'deleted')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    -- Twilio's recording sid is globally unique: a redelivered status callback makes one row.
    CONSTRAINT recordings_recording_sid_key UNIQUE (recording_sid)
);
CREATE INDEX recordings_business_call ON recordings (business_id, call_sid);
-- cleanup_old_recordings_job: the oldest recordings first, across businesses.
CREATE INDEX recordings_created ON recordings (created_at) WHERE status <> 'deleted';
