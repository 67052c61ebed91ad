-- Reminders, the log of pushes sent for them, and the Web Push subscriptions they go to.

CREATE TABLE reminders (
    id          uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id text NOT NULL REFERENCES businesses (id),
    lead_id     uuid,
    user_id     text NOT NULL,
    due_at      timestamptz NOT NULL,
    text        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT reminders_business_id_key UNIQUE (business_id, id),
    CONSTRAINT reminders_lead_fkey FOREIGN KEY (business_id, lead_id) REFERENCES leads (business_id, id)
);
-- reminders_tick_job: which reminders fall due in the next window, across businesses.
CREATE INDEX reminders_due ON reminders (due_at);
CREATE INDEX reminders_business_user_due ON reminders (business_id, user_id, due_at);

CREATE TABLE reminder_push_log (
    business_id    text NOT NULL,
    reminder_id    uuid NOT NULL,
    offset_minutes integer NOT NULL CHECK (offset_minutes >= 0),
    sent_at        timestamptz NOT NULL DEFAULT now(),
    -- One push per reminder and offset, however often the tick runs: the tick inserts here first
    -- (ON CONFLICT DO NOTHING) and pushes only when the row is new.
    CONSTRAINT reminder_push_log_reminder_offset_key UNIQUE (reminder_id, offset_minutes),
    CONSTRAINT reminder_push_log_reminder_fkey FOREIGN KEY (business_id, reminder_id)
        REFERENCES reminders (business_id, id) ON DELETE CASCADE
);

CREATE TABLE push_subscriptions (
    id          uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id text NOT NULL REFERENCES businesses (id),
    user_id     text NOT NULL,
    endpoint    text NOT NULL CHECK (endpoint <> ''),
    p256dh      text NOT NULL,
    auth        text NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- A browser's push endpoint is one subscription; subscribing again updates it.
    CONSTRAINT push_subscriptions_endpoint_key UNIQUE (endpoint)
);
CREATE INDEX push_subscriptions_business_user ON push_subscriptions (business_id, user_id) WHERE active;
