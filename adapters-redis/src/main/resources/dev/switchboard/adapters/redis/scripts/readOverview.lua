--[[
  readOverview: everything operators' read-outs show (/metrics, /api/jobs/health, the dashboard),
  read as one consistent reading in one call: before, a scrape cost one round trip per count
  (about 135 for /metrics). Reads only.

  KEYS[1] scheduler:global_lock     STRING lease owner id, with a TTL
  KEYS[2] scheduler:last_tick       STRING last completed tick (ISO-8601)
  KEYS[3] rq:workers                SET of worker keys
  KEYS[4] switchboard:stats:jobs    SET of the stats keys (switchboard:stats:job:<name>, HASH histogram,
                                    failed, sum_ms) of every job name that ever settled an attempt
  KEYS, then six per queue (ARGV[1] queues): rq:queue:<q>, rq:wip:<q>, rq:scheduled:<q>,
    rq:finished:<q>, rq:failed:<q>, rq:canceled:<q>

  ARGV[1] number of queues
  ARGV[2] job key prefix (rq:job:)
  ARGV[3] most workers to describe
  ARGV[4] most job names to read

  Returns {
    {unix seconds, microseconds}                                  Redis's clock
    {last tick or '', owner or '', pttl}                          as readSchedulerStatus
    {per queue: queued, started, scheduled, finished, failed, canceled, oldest enqueued_at or ''}
    {per job name: stats key, {field, value, ...}}                the stats hash
    {worker count, then per worker described: name key, hostname, queues, state, current_job,
     birth, last_heartbeat, successful_job_count, failed_job_count, job started_at,
     job business_id, job description}
  }
]]
local queues = tonumber(ARGV[1])
local prefix = ARGV[2]
local scheduler = {redis.call('GET', KEYS[2]) or '', redis.call('GET', KEYS[1]) or '', redis.call('PTTL', KEYS[1])}
local counts = {}
for i = 0, queues - 1 do
  local k = 5 + 6 * i
  counts[#counts + 1] = redis.call('LLEN', KEYS[k])
  for j = 1, 5 do
    counts[#counts + 1] = redis.call('ZCARD', KEYS[k + j])
  end
  local oldest = redis.call('LINDEX', KEYS[k], 0)
  counts[#counts + 1] = oldest and (redis.call('HGET', prefix .. oldest, 'enqueued_at') or '') or ''
end
local stats = {}
for _, key in ipairs(redis.call('SRANDMEMBER', KEYS[4], tonumber(ARGV[4]))) do
  stats[#stats + 1] = key
  stats[#stats + 1] = redis.call('HGETALL', key)
end
local workers = {redis.call('SCARD', KEYS[3])}
for _, key in ipairs(redis.call('SRANDMEMBER', KEYS[3], tonumber(ARGV[3]))) do
  local w = redis.call('HMGET', key, 'hostname', 'queues', 'state', 'current_job', 'birth', 'last_heartbeat',
    'successful_job_count', 'failed_job_count')
  if w[1] or w[3] then
    local job = {false, false, false}
    if w[4] and w[4] ~= '' then
      job = redis.call('HMGET', prefix .. w[4], 'started_at', 'business_id', 'description')
    end
    workers[#workers + 1] = key
    for i = 1, 8 do
      workers[#workers + 1] = w[i] or ''
    end
    for i = 1, 3 do
      workers[#workers + 1] = job[i] or ''
    end
  end
end
return {redis.call('TIME'), scheduler, counts, stats, workers}
