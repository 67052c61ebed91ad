-- Outbound webhooks: the endpoints a business registered and each delivery to them.

CREATE TABLE webhook_endpoints (
    id          uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id text NOT NULL REFERENCES businesses (id),
    url         text NOT NULL CHECK (url ~ '^https?://'),
    events      text[] NOT NULL DEFAULT '{}',
    -- The HMAC key deliveries are signed with. Never logged; the API shows it once, at creation.
    secret      text NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT webhook_endpoints_business_id_key UNIQUE (business_id, id)
);
CREATE INDEX webhook_endpoints_business_active ON webhook_endpoints (business_id) WHERE active;

CREATE TABLE webhook_deliveries (
    id              uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id     text NOT NULL,
    endpoint_id     uuid NOT NULL,
    event_id        text NOT NULL CHECK (event_id <> ''),
    event_type      text NOT NULL,
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    delivered_at    timestamptz,
    -- An event reaches each endpoint once: send_webhook_job reruns find the row, not a twin.
    CONSTRAINT webhook_deliveries_endpoint_event_key UNIQUE (endpoint_id, event_id),
    CONSTRAINT webhook_deliveries_endpoint_fkey FOREIGN KEY (business_id, endpoint_id)
        REFERENCES webhook_endpoints (business_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_business_newest ON webhook_deliveries (business_id, created_at DESC);
