-- One browser may be subscribed for several businesses: the VAPID key is the system's, so a browser
-- gets the same endpoint whichever business's page subscribes it. A subscription is now unique per
-- business and endpoint, so subscribing in one business never moves another business's row (it
-- did: ON CONFLICT (endpoint) rewrote its business_id). Existing rows are unique by endpoint, so
-- they are unique by (business_id, endpoint) too.
ALTER TABLE push_subscriptions DROP CONSTRAINT push_subscriptions_endpoint_key;
ALTER TABLE push_subscriptions ADD CONSTRAINT push_subscriptions_business_endpoint_key UNIQUE (business_id, endpoint);
