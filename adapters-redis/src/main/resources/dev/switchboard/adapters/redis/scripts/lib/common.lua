--[[
  common: functions every job script shares. RedisScripts puts this file in front of a script
  whose first line is `-- include common`, so each transition stays one file and the rules below
  are written once.
]]

-- Redis's own clock, unix seconds with microseconds. Every lease, retry and registry deadline is
-- computed here, so all workers compare deadlines against one clock (Redis 7 replicates effects).
local function now_seconds()
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end

-- python-rq's default failure_ttl (one year), for jobs that carry none.
local DEFAULT_FAILURE_TTL = 31536000

local function failure_ttl(job)
  return tonumber(redis.call('HGET', job, 'failure_ttl') or DEFAULT_FAILURE_TTL) or DEFAULT_FAILURE_TTL
end

-- python-rq's Job.cleanup(ttl): a negative TTL keeps the key forever, 0 deletes it, a positive
-- one expires it. Returns the registry score for the entry (+inf when kept forever).
local function retain(key, ttl, now)
  if ttl < 0 then
    redis.call('PERSIST', key)
    return '+inf'
  elseif ttl == 0 then
    redis.call('DEL', key)
    return now
  end
  redis.call('EXPIRE', key, math.ceil(ttl))
  return now + ttl
end

-- The per-business job index (docs/redis-keys.md): for each business, queue and state, a ZSET of
-- the business's job ids, so that listing one business's jobs reads its page, not the whole
-- registry. Every transition below moves the job's entry with it. The key is built here because a
-- claim learns the business only from the job it takes; RedisKeys.jobIndex builds the same name.
local INDEX_PREFIX = 'switchboard:jobs:'
-- Canceled entries are scored by when they were canceled and kept as long as the canceled registry
-- keeps them (RedisJobMaintenance.CANCELED_RETENTION_SECONDS).
local CANCELED_RETENTION = 604800
local TERMINAL = {finished = true, failed = true, canceled = true}

-- RedisKeys.part: ':' and '%' escaped, so free text cannot run into the next part of a key.
local function key_part(value)
  return (string.gsub(string.gsub(value, '%%', '%%25'), ':', '%%3A'))
end

local function index_key(business, queue, state)
  return INDEX_PREFIX .. key_part(business) .. ':' .. key_part(queue) .. ':' .. state
end

-- Keeps a terminal index key as long as its longest-lived entry (`ttl` seconds from now, < 0 for
-- ever): an idle business's index expires with its last job instead of staying behind.
local function keep_index(key, ttl)
  if ttl < 0 then
    redis.call('PERSIST', key)
    return
  end
  local current = redis.call('TTL', key)
  if current == -1 then
    -- No expiry: a new key (this entry alone), or one holding an entry kept for ever.
    if redis.call('ZCARD', key) == 1 then
      redis.call('EXPIRE', key, math.max(1, math.ceil(ttl)))
    end
  elseif current < ttl then
    redis.call('EXPIRE', key, math.max(1, math.ceil(ttl)))
  end
end

-- Moves job `id` of `business` on `queue` from state `from` to state `to` in the index (either may
-- be nil: enters, leaves). `score` orders the entries: the registry's score for finished, failed
-- and scheduled (expiry, due time), the time it entered the state otherwise. Terminal indexes drop
-- their expired entries as they grow. A job without a business (a foreign python-rq job) has none.
local function index_move(business, queue, id, from, to, score, now, ttl)
  if not business or business == '' or not queue or queue == '' then
    return
  end
  if from then
    redis.call('ZREM', index_key(business, queue, from), id)
  end
  if to then
    local key = index_key(business, queue, to)
    redis.call('ZADD', key, score, id)
    if TERMINAL[to] then
      if to == 'canceled' then
        redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now - CANCELED_RETENTION))
        keep_index(key, CANCELED_RETENTION)
      else
        redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. now)
        keep_index(key, ttl)
      end
    end
  end
end

-- index_move for a job whose business and queue are read from its hash here.
local function index_move_job(job, id, from, to, score, now, ttl)
  local f = redis.call('HMGET', job, 'business_id', 'origin')
  index_move(f[1], f[2], id, from, to, score, now, ttl)
end

-- Marks a job canceled: status, canceled registry, retention by its failure TTL; its index entry
-- moves from state `from`.
local function mark_canceled(job, id, canceled_key, now, now_text, from)
  redis.call('HSET', job, 'status', 'canceled', 'ended_at', now_text, 'lease_token', '')
  redis.call('ZADD', canceled_key, now, id)
  local ttl = failure_ttl(job)
  -- Moved before retain: a failure TTL of 0 deletes the job, and with it what the index needs.
  index_move_job(job, id, from, ttl ~= 0 and 'canceled' or nil, now, now, 0)
  retain(job, ttl, now)
end

-- Puts a job id on its queue (front or back) as a fresh, queued job: no lease, no progress; its
-- index entry moves from state `from`.
local function requeue(job, id, queue, wake, front, now_text, max_wake, now, from)
  redis.call('HSET', job, 'status', 'queued', 'enqueued_at', now_text, 'worker_name', '', 'started_at', '',
    'lease_token', '', 'progress', '0', 'progress_message', '')
  index_move_job(job, id, from, 'queued', now, now, 0)
  if front then
    redis.call('LPUSH', queue, id)
  else
    redis.call('RPUSH', queue, id)
  end
  if redis.call('LLEN', wake) < max_wake then
    redis.call('RPUSH', wake, '1')
  end
end

-- True when `token` is the job's current lease and the job is still in the started registry
-- (python-rq's own cleanup, e.g. `rq info`, may move an expired entry out without touching our
-- token; such a job is no longer ours either).
local function holds_lease(job, wip, id, token)
  if token == '' or redis.call('HGET', job, 'lease_token') ~= token then
    return false
  end
  return redis.call('ZSCORE', wip, id) ~= false
end

-- The job hash fields a claim hands to the worker, after queue index, id and lease token.
local CLAIM_FIELDS = {'data', 'business_id', 'trace_id', 'run_id', 'timeout', 'attempts'}

-- The jobs of a remembered batch ({{queue index, id, token}, ...} as JSON) that are still leased
-- under it, in claim_fresh's reply format. Queue keys start at KEYS[first], three per queue.
local function claim_remembered(batch_json, first, prefix)
  local out = {}
  for _, entry in ipairs(cjson.decode(batch_json)) do
    local qi, id, token = entry[1], entry[2], entry[3]
    local job = prefix .. id
    if holds_lease(job, KEYS[first + 3 * qi - 2], id, token) then
      local values = redis.call('HMGET', job, unpack(CLAIM_FIELDS))
      out[#out + 1] = qi
      out[#out + 1] = id
      out[#out + 1] = token
      for i = 1, #CLAIM_FIELDS do
        out[#out + 1] = values[i]
      end
    end
  end
  return out
end

-- Claims up to `wanted` jobs, each the first queued job of the first non-empty queue (queues in
-- priority order; their keys are KEYS[first..], three per queue: rq:queue, rq:wip, wake). Ids
-- that are not claimable (gone, not queued, canceled, or still leased) are dropped, at most
-- `max_stale` of them per call, so one call stays short however many there are. With `cascade`,
-- a claim that leaves jobs behind wakes one more idle worker (enqueue wakes only on empty -> 1).
-- Returns the reply (queue index, id, lease token, then CLAIM_FIELDS, per job) and the batch
-- ({{queue index, id, token}, ...}) for the caller to remember under the claim id.
local function claim_fresh(first, prefix, lease_ms, claim_id, worker, now, now_text, wanted, max_stale, cascade)
  local out, batch = {}, {}
  if wanted <= 0 then
    return out, batch
  end
  local deadline = now + lease_ms / 1000
  local stale = 0
  local queues = (#KEYS - first + 1) / 3
  for qi = 1, queues do
    local queue, wip, wake = KEYS[first + 3 * qi - 3], KEYS[first + 3 * qi - 2], KEYS[first + 3 * qi - 1]
    local drained = false
    while #batch < wanted and stale < max_stale do
      local id = redis.call('LPOP', queue)
      if not id then
        redis.call('DEL', wake)
        drained = true
        break
      end
      local job = prefix .. id
      local f = redis.call('HMGET', job, 'status', 'lease_token', 'ttl', 'ended_at', 'origin', unpack(CLAIM_FIELDS))
      -- Claimable: queued (or a foreign job without status), and not leased: a running job's id
      -- can reappear in a queue when python-rq's scheduler or cleanup races ours.
      local claimable = (f[1] == 'queued' or (f[1] == false and f[6] ~= false)) and (f[2] == false or f[2] == '')
      if claimable then
        local token = claim_id .. '.' .. (#batch + 1)
        local attempts = (tonumber(f[11]) or 0) + 1
        redis.call('ZADD', wip, deadline, id)
        redis.call('HSET', job, 'status', 'started', 'started_at', now_text, 'last_heartbeat', now_text,
          'worker_name', worker, 'lease_token', token, 'attempts', attempts)
        -- A job may carry an expiry: python-rq's ttl= (time allowed in the queue), or a failure
        -- or cancel TTL it kept through a requeue. A running job must not expire.
        if (f[3] and f[3] ~= '') or (f[4] and f[4] ~= '') then
          redis.call('PERSIST', job)
        end
        index_move(f[7], f[5], id, 'queued', 'started', now, now, 0)
        batch[#batch + 1] = {qi, id, token}
        out[#out + 1] = qi
        out[#out + 1] = id
        out[#out + 1] = token
        for i = 6, 10 do
          out[#out + 1] = f[i]
        end
        out[#out + 1] = attempts
      else
        stale = stale + 1
      end
    end
    if cascade and not drained and #batch >= wanted and redis.call('LLEN', queue) > 0
        and redis.call('EXISTS', wake) == 0 then
      redis.call('RPUSH', wake, '1')
    end
    if #batch >= wanted or stale >= max_stale then
      break
    end
  end
  return out, batch
end

-- claim_fresh, idempotent per claim id through `claim_key`: a repeat of the same claim id (a
-- resent command whose reply was lost) returns the batch the first call took, still leased.
local function claim_jobs(claim_key, first, prefix, lease_ms, claim_id, worker, now, now_text, wanted, max_stale,
                          cascade)
  local remembered = redis.call('GET', claim_key)
  if remembered then
    return claim_remembered(remembered, first, prefix)
  end
  local out, batch = claim_fresh(first, prefix, lease_ms, claim_id, worker, now, now_text, wanted, max_stale, cascade)
  if #batch > 0 then
    redis.call('SET', claim_key, cjson.encode(batch), 'PX', math.max(1000, math.floor(lease_ms)))
  end
  return out
end

-- The next claim of a settling call (complete.lua, fail.lua). On the usual path the batch is
-- remembered in the settled job's own hash (field next_claim, written by the settling HSET, so
-- it costs no command); a repeat of the call finds it there. Returns the reply and the value for
-- next_claim ('' when nothing was claimed).
local function claim_next(settled, job, claim_key, first, prefix, lease_ms, claim_id, worker, now, now_text, wanted,
                          max_stale, remembered)
  if #KEYS < first then
    return {}, ''
  end
  if not settled then
    -- A repeat of a call that settled: the batch is in the job's hash. Otherwise (the lease was
    -- really lost) remember it under the claim key, as claim.lua does.
    if remembered and string.sub(remembered, 1, #claim_id + 1) == claim_id .. ' ' then
      return claim_remembered(string.sub(remembered, #claim_id + 2), first, prefix), ''
    end
    return claim_jobs(claim_key, first, prefix, lease_ms, claim_id, worker, now, now_text, wanted, max_stale, false), ''
  end
  local out, batch = claim_fresh(first, prefix, lease_ms, claim_id, worker, now, now_text, wanted, max_stale, false)
  if #batch == 0 then
    return out, ''
  end
  return out, claim_id .. ' ' .. cjson.encode(batch)
end

-- Upper bounds (milliseconds) of the per-job-name duration histogram; the last bucket is +Inf.
local DURATION_BUCKETS = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000}

-- How long a job name's per-minute timeline keys live: the hour the dashboard shows, and a minute.
local JOB_TIMELINE_TTL = 3660
-- The set of every job name's stats key (RedisKeys.STATS_JOBS): how readers find the job names
-- that ever ran, including ones only a worker knows (diagnostic and benchmark jobs).
local STATS_JOBS = 'switchboard:stats:jobs'

-- Counts one settled attempt for operators' metrics: the job name's duration histogram (its
-- buckets sum to the processed count), `failed` count and `sum_ms`, the per-second timeline of
-- all jobs (fields p:<unix second> and f:<unix second>; the maintenance script drops seconds
-- older than an hour), and the job name's own per-second timeline, one hash per minute
-- (<stats key>:<unix minute>, same fields) that expires by itself after an hour.
local function record_stats(stats_key, timeline_key, now, duration_ms, failed)
  local field = 'le_inf'
  for _, bound in ipairs(DURATION_BUCKETS) do
    if duration_ms <= bound then
      field = 'le_' .. bound
      break
    end
  end
  redis.call('HINCRBY', stats_key, field, 1)
  redis.call('HINCRBY', stats_key, 'sum_ms', math.floor(duration_ms))
  redis.call('SADD', STATS_JOBS, stats_key)
  local second = math.floor(now)
  local minute_key = stats_key .. ':' .. math.floor(second / 60)
  local kind = failed and 'f:' or 'p:'
  if failed then
    redis.call('HINCRBY', stats_key, 'failed', 1)
  end
  redis.call('HINCRBY', timeline_key, kind .. second, 1)
  if redis.call('HINCRBY', minute_key, kind .. second, 1) == 1 then
    redis.call('EXPIRE', minute_key, JOB_TIMELINE_TTL)
  end
end

-- Requeues (front) jobs whose lease expired before `now`; fails those that expired too often,
-- cancels those whose cancel was requested. Only jobs still `started` are moved: an entry whose
-- job already moved on (python-rq's own tools, a race) is just dropped from the registry.
-- Keys: wip, queue, wake, failed, canceled of one queue. Returns recovered, failed, canceled.
local function recover_expired(wip, queue, wake, failed_key, canceled_key, prefix, now, now_text, max_expiries,
                               max_wake, poison, batch)
  local recovered, failed, canceled = 0, 0, 0
  local ids = redis.call('ZRANGEBYSCORE', wip, '-inf', now, 'LIMIT', 0, batch)
  for _, id in ipairs(ids) do
    redis.call('ZREM', wip, id)
    local job = prefix .. id
    local f = redis.call('HMGET', job, 'status', 'cancel_requested')
    if f[1] == 'started' then
      local expiries = redis.call('HINCRBY', job, 'lease_expiries', 1)
      if f[2] == '1' then
        mark_canceled(job, id, canceled_key, now, now_text, 'started')
        canceled = canceled + 1
      elseif expiries >= max_expiries then
        redis.call('HSET', job, 'status', 'failed', 'ended_at', now_text, 'exc_info', poison, 'lease_token', '')
        local ttl = failure_ttl(job)
        local place = redis.call('HMGET', job, 'business_id', 'origin')
        local score = retain(job, ttl, now)
        redis.call('ZADD', failed_key, score, id)
        index_move(place[1], place[2], id, 'started', ttl ~= 0 and 'failed' or nil, score, now, ttl)
        failed = failed + 1
      else
        requeue(job, id, queue, wake, true, now_text, max_wake, now, 'started')
        recovered = recovered + 1
      end
    end
  end
  return recovered, failed, canceled
end

-- Moves due scheduled jobs (retries waiting out their interval) onto their queue. Only jobs still
-- `scheduled` move: python-rq's scheduler may have enqueued one already, and it may be running.
local function promote_due(scheduled, queue, wake, prefix, now, now_text, max_wake, batch)
  local promoted = 0
  local ids = redis.call('ZRANGEBYSCORE', scheduled, '-inf', now, 'LIMIT', 0, batch)
  for _, id in ipairs(ids) do
    redis.call('ZREM', scheduled, id)
    local job = prefix .. id
    if redis.call('HGET', job, 'status') == 'scheduled' then
      requeue(job, id, queue, wake, false, now_text, max_wake, now, 'scheduled')
      promoted = promoted + 1
    end
  end
  return promoted
end

-- Drops finished, failed and canceled registry entries whose time has passed.
local function prune_registries(finished, failed, canceled, now, canceled_retention)
  return redis.call('ZREMRANGEBYSCORE', finished, '-inf', now)
    + redis.call('ZREMRANGEBYSCORE', failed, '-inf', now)
    + redis.call('ZREMRANGEBYSCORE', canceled, '-inf', now - canceled_retention)
end
