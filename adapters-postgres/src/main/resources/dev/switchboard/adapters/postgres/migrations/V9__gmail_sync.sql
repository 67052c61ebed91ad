-- Gmail sync: the mailboxes businesses connected, and leads' e-mail addresses (mail from a lead's
-- address joins the lead's conversation).

-- One lead per address within a business, compared without case, as mail systems route it.
ALTER TABLE leads ADD COLUMN email text CHECK (email ~ '^[^@[:space:]]+@[^@[:space:]]+$' AND length(email) <= 254);
CREATE UNIQUE INDEX leads_business_email_key ON leads (business_id, lower(email));

CREATE TABLE gmail_connections (
    id             uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id    text NOT NULL REFERENCES businesses (id),
    email          text NOT NULL CHECK (email <> ''),
    -- The OAuth refresh token: a secret. Never logged, never returned by the API.
    refresh_token  text NOT NULL CHECK (refresh_token <> ''),
    -- Counts the connects: a sync that read generation N marks "reconnect needed" only while it is still N.
    generation     integer NOT NULL DEFAULT 1,
    -- Gmail history ids are uint64: numeric, compared as numbers. NULL until the first full sync.
    history_id     numeric(20, 0) CHECK (history_id >= 0),
    status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'reconnect_needed')),
    last_synced_at timestamptz,
    last_error     text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- Connecting an address again replaces its token: one connection per business and address.
CREATE UNIQUE INDEX gmail_connections_business_email_key ON gmail_connections (business_id, lower(email));
-- The periodic sync visits the active connections of every business.
CREATE INDEX gmail_connections_active ON gmail_connections (created_at, id) WHERE status = 'active';
