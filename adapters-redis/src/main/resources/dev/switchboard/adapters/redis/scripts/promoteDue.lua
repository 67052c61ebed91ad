--[[
  promoteDue: move scheduled jobs (retries waiting out their interval) that are due onto their
  queues. Safe with many callers.

  KEYS, three per queue:
    KEYS[3i-2] rq:scheduled:<q>      ZSET, score = when due (unix seconds)
    KEYS[3i-1] rq:queue:<q>          LIST of waiting job ids
    KEYS[3i]   switchboard:wake:<q>  LIST of wake-up tokens

  ARGV[1] job key prefix (rq:job:)
  ARGV[2] now, unix seconds
  ARGV[3] now, python-rq timestamp text
  ARGV[4] most wake tokens to keep per queue
  ARGV[5] most jobs to promote per queue and call

  Returns the number of jobs promoted
]]
local promoted = 0
for i = 1, #KEYS / 3 do
  local scheduled, queue, wake = KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i]
  local ids = redis.call('ZRANGEBYSCORE', scheduled, '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[5]))
  for _, id in ipairs(ids) do
    redis.call('ZREM', scheduled, id)
    local job = ARGV[1] .. id
    if redis.call('EXISTS', job) == 1 then
      redis.call('HSET', job, 'status', 'queued', 'enqueued_at', ARGV[3])
      redis.call('RPUSH', queue, id)
      if redis.call('LLEN', wake) < tonumber(ARGV[4]) then
        redis.call('RPUSH', wake, '1')
      end
      promoted = promoted + 1
    end
  end
end
return promoted
