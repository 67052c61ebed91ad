-- include common
--[[
  complete: the lease holder finished the job (python-rq's success path), and in the same call
  claims the next job for the slot it frees (BullMQ's moveToFinished does the same), so a busy
  worker needs one round trip per job. A repeat of the call (its reply was lost) returns the same
  next job: the batch is remembered in the finished job's hash (field next_claim).

  KEYS[1] rq:job:<id>                  HASH
  KEYS[2] rq:wip:<q>                   ZSET started registry
  KEYS[3] rq:finished:<q>              ZSET finished registry, score = expiry
  KEYS[4] rq:results:<id>              STREAM of results
  KEYS[5] switchboard:stats:<job name> HASH duration histogram and failed count
  KEYS[6] switchboard:stats:timeline   HASH per-second processed/failed counts
  KEYS[7] switchboard:claim:<claim id> STRING batch of the next claim, when it cannot be kept in KEYS[1]
  KEYS[8..] three per queue for the next claim, as in claim.lua (none: claim nothing)

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] now, python-rq timestamp text
  ARGV[4] return value, base64 of its JSON, or '' for none (then no results entry is written:
          python-rq reads a missing entry as a None result)
  ARGV[5] attempt duration, milliseconds
  ARGV[6..11] next claim: job key prefix, lease ms, claim id, worker name, most jobs, most stale ids

  Returns {code, next claim...}: code 1 applied, -1 lease lost (fencing); then claim.lua's reply.
]]
local job, id = KEYS[1], ARGV[1]
local now = now_seconds()
local f = redis.call('HMGET', job, 'lease_token', 'result_ttl', 'next_claim', 'business_id', 'origin')
-- The token, then membership in the started registry (python-rq's own cleanup may have moved the
-- entry out without touching our token); ZREM both checks and removes.
local settled = f[1] == ARGV[2] and ARGV[2] ~= '' and redis.call('ZREM', KEYS[2], id) == 1
local reply, next_claim = claim_next(settled, job, KEYS[7], 8, ARGV[6], tonumber(ARGV[7]), ARGV[8], ARGV[9], now,
  ARGV[3], tonumber(ARGV[10]), tonumber(ARGV[11]), f[3])
if not settled then
  table.insert(reply, 1, -1)
  return reply
end
redis.call('HSET', job, 'status', 'finished', 'ended_at', ARGV[3], 'lease_token', '', 'next_claim', next_claim)
local ttl = tonumber(f[2] or '500') or 500
if ARGV[4] ~= '' then
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', '10', '*', 'type', '1', 'return_value', ARGV[4])
  retain(KEYS[4], ttl, now)
end
local score = retain(job, ttl, now)
index_move(f[4], f[5], id, 'started', ttl ~= 0 and 'finished' or nil, score, now, ttl)
if ttl == 0 then
  if next_claim ~= '' then
    redis.call('SET', KEYS[7], string.sub(next_claim, #ARGV[8] + 2), 'PX', math.max(1000, tonumber(ARGV[7])))
  end
else
  redis.call('ZADD', KEYS[3], score, id)
end
record_stats(KEYS[5], KEYS[6], now, tonumber(ARGV[5]), false)
table.insert(reply, 1, 1)
return reply
