-- include common
--[[
  recoverExpired: requeue jobs whose lease expired (their worker died, stalled or was cut off),
  at the front of their queue; see recover_expired in lib/common.lua. Deadlines are compared with
  Redis's clock. Safe with many callers: each expired entry is taken out by exactly one call.

  KEYS, five per queue: rq:wip:<q>, rq:queue:<q>, switchboard:wake:<q>, rq:failed:<q>, rq:canceled:<q>

  ARGV[1] job key prefix (rq:job:)
  ARGV[2] now, python-rq timestamp text
  ARGV[3] lease expiries after which a job is failed
  ARGV[4] most wake tokens to keep per queue
  ARGV[5] exc_info for such a failure (zlib of the text)
  ARGV[6] most entries to recover per queue and call

  Returns {recovered, failed, canceled}
]]
local now = now_seconds()
local recovered, failed, canceled = 0, 0, 0
for i = 1, #KEYS / 5 do
  local r, f, c = recover_expired(KEYS[5*i-4], KEYS[5*i-3], KEYS[5*i-2], KEYS[5*i-1], KEYS[5*i], ARGV[1], now,
    ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6]))
  recovered, failed, canceled = recovered + r, failed + f, canceled + c
end
return {recovered, failed, canceled}
