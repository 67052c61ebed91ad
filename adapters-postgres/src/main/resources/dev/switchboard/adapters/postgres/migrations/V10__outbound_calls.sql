-- Outbound calls (POST /api/calls): one row per request of a business, the record that makes
-- place_outbound_call_job place each call at most once (docs/twilio.md#outbound-calls).

CREATE TABLE outbound_calls (
    id              uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
    business_id     text NOT NULL REFERENCES businesses (id),
    request_id      text NOT NULL CHECK (request_id <> ''),
    to_number       text NOT NULL,
    from_number     text NOT NULL,
    lead_id         uuid,
    twiml           text NOT NULL,
    status_callback text NOT NULL,
    -- requested -> placing -> placed | failed | unknown; placing -> requested only when the create
    -- certainly never reached Twilio; unknown -> placed when the call's sid turns up.
    state           text NOT NULL DEFAULT 'requested'
        CHECK (state IN ('requested', 'placing', 'placed', 'failed', 'unknown')),
    call_sid        text,
    error           text,
    job_id          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    placing_at      timestamptz,
    settled_at      timestamptz,
    CHECK (state <> 'placed' OR call_sid IS NOT NULL),
    -- A retried request (same id) finds the first one's row: one request, one job, one call.
    CONSTRAINT outbound_calls_business_request_key UNIQUE (business_id, request_id),
    -- A call's sid belongs to one request: a looked-up call is never claimed twice.
    CONSTRAINT outbound_calls_business_call_sid_key UNIQUE (business_id, call_sid),
    -- The lead must be the business's own (the api checks; the key makes it a rule).
    CONSTRAINT outbound_calls_lead_fkey FOREIGN KEY (business_id, lead_id)
        REFERENCES leads (business_id, id)
);
CREATE INDEX outbound_calls_business_numbers ON outbound_calls (business_id, from_number, to_number)
    WHERE call_sid IS NOT NULL;
