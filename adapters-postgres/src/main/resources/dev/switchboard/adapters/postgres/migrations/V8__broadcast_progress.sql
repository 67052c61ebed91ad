-- broadcast_job (the tables are V4's): the job that sends a run and why a run failed; WhatsApp's id
-- of the message each recipient was sent.

ALTER TABLE broadcast_runs ADD COLUMN job_id text;
ALTER TABLE broadcast_runs ADD COLUMN error text;
ALTER TABLE broadcast_recipients ADD COLUMN message_id text;
