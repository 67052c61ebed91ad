--[[
  claim: take up to ARGV[7] jobs, always the first job of the first non-empty queue (queues in
  priority order), and record each as started under its own lease, in one step. python-rq's BLPOP loses a popped job when the worker
  dies before recording it; here there is no moment when the job is in neither place.

  KEYS, three per queue, in priority order:
    KEYS[3i-2] rq:queue:<q>          LIST of waiting job ids
    KEYS[3i-1] rq:wip:<q>            ZSET started registry, score = lease deadline (unix seconds)
    KEYS[3i]   switchboard:wake:<q>  LIST of wake-up tokens; dropped when the queue drains

  ARGV[1] job key prefix (rq:job:)
  ARGV[2] now, unix seconds (may be fractional)
  ARGV[3] lease length, seconds
  ARGV[4] lease token prefix (fresh per call; job k of the call gets '<prefix>.<k>')
  ARGV[5] worker name
  ARGV[6] now, python-rq timestamp text
  ARGV[7] most jobs to claim

  Returns {} when every queue is empty, else {queue index (1-based), job id, HGETALL of the job,
  ...} for each job claimed, in claim order.
  Ids whose job hash is gone (expired or deleted), or whose job is not queued, are skipped.
]]
local deadline = tonumber(ARGV[2]) + tonumber(ARGV[3])
local wanted = tonumber(ARGV[7])
local claimed = {}
local count = 0
for i = 1, #KEYS / 3 do
  local queue, wip, wake = KEYS[3 * i - 2], KEYS[3 * i - 1], KEYS[3 * i]
  while count < wanted do
    local id = redis.call('LPOP', queue)
    if not id then
      break
    end
    local job = ARGV[1] .. id
    local status = redis.call('HGET', job, 'status')
    -- Only queued jobs are claimed: an id can be in a queue twice (python-rq's own cleanup
    -- requeues with RPUSH) or belong to a job that is running or done; such entries are dropped.
    if status == 'queued' or (status == false and redis.call('EXISTS', job) == 1) then
      count = count + 1
      redis.call('ZADD', wip, deadline, id)
      redis.call('HSET', job, 'status', 'started', 'started_at', ARGV[6], 'last_heartbeat', ARGV[6],
        'worker_name', ARGV[5], 'lease_token', ARGV[4] .. '.' .. count)
      redis.call('HINCRBY', job, 'attempts', 1)
      claimed[#claimed + 1] = i
      claimed[#claimed + 1] = id
      claimed[#claimed + 1] = redis.call('HGETALL', job)
    end
  end
  if redis.call('LLEN', queue) == 0 then
    redis.call('DEL', wake)
  end
  if count >= wanted then
    break
  end
end
return claimed
