-- include common
--[[
  maintain: the housekeeping every worker runs once a second, in one call: recover expired
  leases, promote due retries, prune registries, drop dead workers from the worker sets, and drop
  timeline seconds older than an hour. Every step is safe with many callers.

  KEYS[1] rq:workers                   SET of worker keys
  KEYS[2] switchboard:stats:timeline   HASH per-second counts
  KEYS, then eight per queue:
    rq:wip:<q>, rq:queue:<q>, switchboard:wake:<q>, rq:failed:<q>, rq:canceled:<q>,
    rq:scheduled:<q>, rq:finished:<q>, rq:workers:<q>

  ARGV[1] job key prefix (rq:job:)
  ARGV[2] now, python-rq timestamp text
  ARGV[3] lease expiries after which a job is failed
  ARGV[4] most wake tokens to keep per queue
  ARGV[5] exc_info for a job failed for too many expiries (zlib of the text)
  ARGV[6] most entries to move per queue and step
  ARGV[7] how long canceled entries are kept, seconds
  ARGV[8] how long the timeline keeps a second, seconds
  ARGV[9] most worker keys to check per call

  Returns {recovered, failed, canceled, promoted, pruned, dead workers dropped}
]]
local now = now_seconds()
local recovered, failed, canceled, promoted, pruned, dropped = 0, 0, 0, 0, 0, 0
local batch = tonumber(ARGV[6])
for i = 0, (#KEYS - 2) / 8 - 1 do
  local k = 2 + 8 * i
  local r, f, c = recover_expired(KEYS[k+1], KEYS[k+2], KEYS[k+3], KEYS[k+4], KEYS[k+5], ARGV[1], now, ARGV[2],
    tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5], batch)
  recovered, failed, canceled = recovered + r, failed + f, canceled + c
  promoted = promoted + promote_due(KEYS[k+6], KEYS[k+2], KEYS[k+3], ARGV[1], now, ARGV[2], tonumber(ARGV[4]), batch)
  pruned = pruned + prune_registries(KEYS[k+7], KEYS[k+4], KEYS[k+5], now, tonumber(ARGV[7]))
  -- Worker keys whose hash expired (the worker died without unregistering): rq info would list
  -- them until it cleans them itself; they would otherwise stay in the sets forever.
  for _, worker in ipairs(redis.call('SRANDMEMBER', KEYS[k+8], tonumber(ARGV[9]))) do
    if redis.call('EXISTS', worker) == 0 then
      dropped = dropped + redis.call('SREM', KEYS[k+8], worker)
    end
  end
end
for _, worker in ipairs(redis.call('SRANDMEMBER', KEYS[1], tonumber(ARGV[9]))) do
  if redis.call('EXISTS', worker) == 0 then
    dropped = dropped + redis.call('SREM', KEYS[1], worker)
  end
end
-- The timeline: drop the seconds that just fell out of the window (a few minutes of slack, so a
-- pause of the maintenance leaves nothing behind).
local oldest = math.floor(now) - tonumber(ARGV[8])
local stale = {}
for s = oldest - 300, oldest do
  stale[#stale + 1] = 'p:' .. s
  stale[#stale + 1] = 'f:' .. s
end
redis.call('HDEL', KEYS[2], unpack(stale))
return {recovered, failed, canceled, promoted, pruned, dropped}
