-- include common
--[[
  claim: take up to ARGV[6] jobs, always the first job of the first non-empty queue (queues in
  priority order), and record each as started under its own lease, in one step. python-rq's
  BLPOP loses a popped job when the worker dies before recording it; here there is no moment
  when the job is in neither place. Idempotent per claim id (see claim_jobs in lib/common.lua).
  A claim that leaves jobs in a queue wakes one more idle worker (enqueue wakes one only when a
  queue goes from empty to non-empty).

  KEYS[1]    switchboard:claim:<claim id>  STRING the batch of this claim id, kept one lease long
  KEYS, then three per queue, in priority order:
    rq:queue:<q>          LIST of waiting job ids
    rq:wip:<q>            ZSET started registry, score = lease deadline (Redis time, unix seconds)
    switchboard:wake:<q>  LIST of wake-up tokens; dropped when the queue drains

  ARGV[1] job key prefix (rq:job:)
  ARGV[2] lease length, milliseconds
  ARGV[3] claim id (job k of the batch gets lease token '<claim id>.<k>')
  ARGV[4] worker name
  ARGV[5] now, python-rq timestamp text (display only; deadlines use Redis TIME)
  ARGV[6] most jobs to claim
  ARGV[7] most unclaimable ids to drop in this call

  Returns {queue index (1-based), job id, lease token, data, business_id, trace_id, run_id,
  timeout, attempts, ...} per job claimed, in claim order; {} when there is nothing to claim.
]]
return claim_jobs(KEYS[1], 2, ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4], now_seconds(), ARGV[5],
  tonumber(ARGV[6]), tonumber(ARGV[7]), true)
