--[[
  enqueue: write a job in python-rq's layout and queue it, optionally guarded by a dedupe key.
  One call, so a job is either fully written and queued, or not at all.

  KEYS[1] rq:queues                 SET of queue keys (rq info lists queues from it)
  KEYS[2] rq:job:<id>               HASH, the job
  KEYS[3] rq:queue:<q>              LIST of waiting job ids (also the member added to KEYS[1])
  KEYS[4] switchboard:wake:<q>      LIST of wake-up tokens for idle workers
  KEYS[5] job_lock:<dedupe key>     STRING holding the job id; only used when ARGV[2] ~= '0'
  KEYS[6] switchboard:run:<business>:<run>  SET of the run's job ids; only used when ARGV[4] ~= '0'

  ARGV[1] job id
  ARGV[2] dedupe TTL in milliseconds, '0' for no dedupe
  ARGV[3] most wake tokens to keep per queue
  ARGV[4] run index TTL in seconds, '0' when the job belongs to no run
  ARGV[5..] field, value pairs of the job hash

  Returns {1, id}           the job was written and queued
          {0, existing id}  duplicate: the dedupe key is held, or a job with this id exists
]]
local id = ARGV[1]
if ARGV[2] ~= '0' then
  local taken = redis.call('SET', KEYS[5], id, 'NX', 'PX', ARGV[2])
  if not taken then
    return {0, redis.call('GET', KEYS[5])}
  end
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return {0, id}
end
local fields = {}
for i = 5, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('SADD', KEYS[1], KEYS[3])
redis.call('RPUSH', KEYS[3], id)
if ARGV[4] ~= '0' then
  redis.call('SADD', KEYS[6], id)
  redis.call('EXPIRE', KEYS[6], ARGV[4])
end
if redis.call('LLEN', KEYS[4]) < tonumber(ARGV[3]) then
  redis.call('RPUSH', KEYS[4], '1')
end
return {1, id}
