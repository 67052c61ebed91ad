--[[
  readSchedulerStatus: the scheduler's health data as one consistent reading (a MULTI on the
  shared connection would interleave with other callers' commands). Reads only.

  KEYS[1] scheduler:global_lock   STRING holding the lease owner id, with a TTL
  KEYS[2] scheduler:last_tick     STRING, the last completed tick (ISO-8601 instant, UTC)

  Returns {last tick or '', owner or '', pttl}
          pttl = milliseconds the lease has left, -1 when it has no expiry, -2 when nobody holds it
]]
return {redis.call('GET', KEYS[2]) or '', redis.call('GET', KEYS[1]) or '', redis.call('PTTL', KEYS[1])}
