-- The CRM's core: businesses (tenants), their leads, the leads' messages and WhatsApp sessions.
-- Every row of business data carries business_id; child tables reference their lead by
-- (business_id, lead_id), so a row can never point at another business's lead.

CREATE TABLE businesses (
    id           text PRIMARY KEY CHECK (id <> ''),
    name         text NOT NULL CHECK (name <> ''),
    zone         text NOT NULL DEFAULT 'UTC',
    agent_prompt text,
    settings     jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE leads (
    id           uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id  text NOT NULL REFERENCES businesses (id),
    phone        text CHECK (phone ~ '^\+[1-9][0-9]{5,14}$'),
    whatsapp_jid text,
    lid          text CHECK (lid ~ '^[0-9]{1,40}@lid$'),
    name         text,
    source       text NOT NULL,
    status       text NOT NULL DEFAULT 'new',
    summary      text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT leads_phone_or_lid CHECK (phone IS NOT NULL OR lid IS NOT NULL),
    -- One lead per person: NULLs are distinct, so a lead without phone (or lid) does not collide.
    CONSTRAINT leads_business_phone_key UNIQUE (business_id, phone),
    CONSTRAINT leads_business_lid_key UNIQUE (business_id, lid),
    -- The target of the child tables' (business_id, lead_id) foreign keys.
    CONSTRAINT leads_business_id_key UNIQUE (business_id, id)
);
-- Listing newest first within a business; phone search filters the same business's rows.
CREATE INDEX leads_business_newest ON leads (business_id, created_at DESC, id DESC);

CREATE TABLE messages (
    business_id text NOT NULL,
    message_id  text NOT NULL CHECK (message_id <> ''),
    lead_id     uuid NOT NULL,
    direction   text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    channel     text NOT NULL,
    kind        text NOT NULL,
    text        text,
    sent_at     timestamptz NOT NULL,
    author_name text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    -- Arrival order, to order messages sent within the same instant.
    seq         bigint GENERATED ALWAYS AS IDENTITY,
    -- Recording a message twice changes nothing: the channel's id is unique per business.
    CONSTRAINT messages_pkey PRIMARY KEY (business_id, message_id),
    CONSTRAINT messages_lead_fkey FOREIGN KEY (business_id, lead_id) REFERENCES leads (business_id, id)
);
CREATE INDEX messages_lead_time ON messages (business_id, lead_id, sent_at DESC, seq DESC);

CREATE TABLE whatsapp_sessions (
    id               uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id      text NOT NULL,
    lead_id          uuid NOT NULL,
    opened_at        timestamptz NOT NULL,
    last_activity_at timestamptz NOT NULL,
    summarized_at    timestamptz,
    summary          text,
    CONSTRAINT whatsapp_sessions_lead_fkey FOREIGN KEY (business_id, lead_id) REFERENCES leads (business_id, id),
    CONSTRAINT whatsapp_sessions_activity_after_open CHECK (last_activity_at >= opened_at)
);
-- At most one open (not yet summarized) session per lead.
CREATE UNIQUE INDEX whatsapp_sessions_one_open_per_lead
    ON whatsapp_sessions (business_id, lead_id) WHERE summarized_at IS NULL;
-- The cleanup job's question: which open sessions have been idle since before a cut-off.
CREATE INDEX whatsapp_sessions_idle_open
    ON whatsapp_sessions (last_activity_at) WHERE summarized_at IS NULL;
