--[[
  enqueue: write jobs in python-rq's layout and queue them, each optionally guarded by a dedupe
  key. One job or a chunk of them (bulk enqueue) in one call; each job is either fully written
  and queued, or not at all.

  KEYS[1] rq:queues                 SET of queue keys (rq info lists queues from it)
  KEYS, then six per job:
    rq:job:<id>                     HASH, the job
    rq:queue:<q>                    LIST of waiting job ids (also the member added to KEYS[1])
    switchboard:wake:<q>            LIST of wake-up tokens for idle workers
    job_lock:<dedupe key>           STRING holding the job id; only used with a dedupe TTL
    switchboard:run:<business>:<run>  SET of the run's job ids; only used with a run TTL
    switchboard:jobs:<business>:<q>:queued  ZSET the business's queued jobs (per-business index),
                                    score = when enqueued (Redis time)

  ARGV[1] most wake tokens to keep per queue
  ARGV, then per job: job id, dedupe TTL in milliseconds ('0' for no dedupe), run index TTL in
    seconds ('0' for no run), '1' when the id may already exist (a deterministic id) else '0',
    number of hash fields n, then n field/value pairs of the job hash

  Returns per job {1, id} written and queued, or {0, existing id} duplicate (the dedupe key is
  held, or a job with this id exists), flattened.
]]
local out = {}
local a = 2
local woken = {}
local time = redis.call('TIME')
local now = tonumber(time[1]) + tonumber(time[2]) / 1000000
for j = 0, (#KEYS - 1) / 6 - 1 do
  local job, queue, wake, lock, run, index = KEYS[2 + 6*j], KEYS[3 + 6*j], KEYS[4 + 6*j], KEYS[5 + 6*j], KEYS[6 + 6*j],
    KEYS[7 + 6*j]
  local id, dedupe_ttl, run_ttl, may_exist, n = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], tonumber(ARGV[a + 4])
  local fields = {}
  for i = 1, 2 * n do
    fields[i] = ARGV[a + 4 + i]
  end
  a = a + 5 + 2 * n
  local duplicate = nil
  if dedupe_ttl ~= '0' then
    if not redis.call('SET', lock, id, 'NX', 'PX', dedupe_ttl) then
      duplicate = redis.call('GET', lock)
    end
  end
  if not duplicate and may_exist == '1' and redis.call('EXISTS', job) == 1 then
    duplicate = id
  end
  if duplicate then
    out[#out + 1] = 0
    out[#out + 1] = duplicate
  else
    redis.call('HSET', job, unpack(fields))
    local length = redis.call('RPUSH', queue, id)
    if length == 1 then
      redis.call('SADD', KEYS[1], queue)
    end
    redis.call('ZADD', index, now, id)
    if run_ttl ~= '0' then
      redis.call('SADD', run, id)
      redis.call('EXPIRE', run, run_ttl)
    end
    -- Idle workers block on the wake list; they went idle only when the queue was empty, so
    -- a queue going from empty to one job is what wakes one (claims cascade to the next).
    if length == 1 or (woken[wake] or 0) > 0 then
      woken[wake] = (woken[wake] or 0) + 1
    end
    out[#out + 1] = 1
    out[#out + 1] = id
  end
end
-- One wake-up write per queue and call, a token per new job (after the queue was empty) up to the
-- cap: a chunk of a thousand jobs wakes every idle worker with two commands.
for wake, count in pairs(woken) do
  local room = math.min(count, tonumber(ARGV[1]) - redis.call('LLEN', wake))
  if room > 0 then
    local tokens = {}
    for i = 1, room do
      tokens[i] = '1'
    end
    redis.call('RPUSH', wake, unpack(tokens))
  end
end
return out
