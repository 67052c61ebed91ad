-- include common
--[[
  promoteDue: move scheduled jobs that are due (by Redis's clock) onto their queues; see
  promote_due in lib/common.lua. Safe with many callers.

  KEYS, three per queue: rq:scheduled:<q>, rq:queue:<q>, switchboard:wake:<q>

  ARGV[1] job key prefix (rq:job:)
  ARGV[2] now, python-rq timestamp text
  ARGV[3] most wake tokens to keep per queue
  ARGV[4] most jobs to promote per queue and call

  Returns the number of jobs promoted
]]
local now = now_seconds()
local promoted = 0
for i = 1, #KEYS / 3 do
  promoted = promoted + promote_due(KEYS[3*i-2], KEYS[3*i-1], KEYS[3*i], ARGV[1], now, ARGV[2], tonumber(ARGV[3]),
    tonumber(ARGV[4]))
end
return promoted
