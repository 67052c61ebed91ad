-- include common
--[[
  heartbeat: a worker extends the leases of all its running jobs in one call, and learns for
  each whether it still holds it and whether a cancel was requested. The new deadline is Redis's
  own time plus the lease, so a skewed worker clock cannot shorten or stretch a lease.

  KEYS, two per job: rq:job:<id>, rq:wip:<q>

  ARGV[1] lease length, milliseconds
  ARGV[2] now, python-rq timestamp text
  ARGV[3..] job id, lease token, per job (same order as KEYS)

  Returns one code per job: 1 extended, 2 extended and a cancel was requested, -1 lease lost
]]
local deadline = now_seconds() + tonumber(ARGV[1]) / 1000
local codes = {}
for i = 1, #KEYS / 2 do
  local job, wip, id, token = KEYS[2*i-1], KEYS[2*i], ARGV[2*i+1], ARGV[2*i+2]
  if holds_lease(job, wip, id, token) then
    redis.call('ZADD', wip, 'XX', deadline, id)
    redis.call('HSET', job, 'last_heartbeat', ARGV[2])
    codes[i] = redis.call('HGET', job, 'cancel_requested') == '1' and 2 or 1
  else
    codes[i] = -1
  end
end
return codes
