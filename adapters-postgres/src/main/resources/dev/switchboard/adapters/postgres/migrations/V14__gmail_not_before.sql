-- Google asked us to wait (a daily quota used up: an hour; a long Retry-After): the periodic
-- fan-out leaves the mailbox alone until then, instead of queueing a sync every 5 minutes that
-- only meets the same refusal. NULL: no wait. A finished sync or a reconnect clears it.
ALTER TABLE gmail_connections ADD COLUMN not_before timestamptz;
