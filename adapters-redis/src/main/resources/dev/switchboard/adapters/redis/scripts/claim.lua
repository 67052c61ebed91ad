--[[
  claim: take the first job of the first non-empty queue (queues in priority order) and record
  it as started under a lease, in one step. python-rq's BLPOP loses a popped job when the worker
  dies before recording it; here there is no moment when the job is in neither place.

  KEYS, three per queue, in priority order:
    KEYS[3i-2] rq:queue:<q>          LIST of waiting job ids
    KEYS[3i-1] rq:wip:<q>            ZSET started registry, score = lease deadline (unix seconds)
    KEYS[3i]   switchboard:wake:<q>  LIST of wake-up tokens; dropped when the queue drains

  ARGV[1] job key prefix (rq:job:)
  ARGV[2] now, unix seconds (may be fractional)
  ARGV[3] lease length, seconds
  ARGV[4] lease token (fresh and unique per claim)
  ARGV[5] worker name
  ARGV[6] now, python-rq timestamp text

  Returns {} when every queue is empty, else {queue index (1-based), job id, HGETALL of the job}.
  Ids whose job hash is gone (expired or deleted) are skipped, as python-rq does.
]]
local deadline = tonumber(ARGV[2]) + tonumber(ARGV[3])
for i = 1, #KEYS / 3 do
  local queue, wip, wake = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  local id = redis.call('LPOP', queue)
  while id do
    local job = ARGV[1] .. id
    if redis.call('EXISTS', job) == 1 then
      redis.call('ZADD', wip, deadline, id)
      redis.call('HSET', job, 'status', 'started', 'started_at', ARGV[6], 'last_heartbeat', ARGV[6],
        'worker_name', ARGV[5], 'lease_token', ARGV[4])
      redis.call('HINCRBY', job, 'attempts', 1)
      if redis.call('LLEN', queue) == 0 then
        redis.call('DEL', wake)
      end
      return {i, id, redis.call('HGETALL', job)}
    end
    id = redis.call('LPOP', queue)
  end
  redis.call('DEL', wake)
end
return {}
