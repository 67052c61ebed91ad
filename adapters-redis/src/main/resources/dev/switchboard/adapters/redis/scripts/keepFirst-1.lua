--[[
  keepFirst: keep a value unless one is already kept, and return the one kept. Two processes that
  each generated a VAPID key pair at the same moment both get the first one stored.

  KEYS[1] the kept value, e.g. switchboard:vapid_keys    STRING, no TTL

  ARGV[1] the caller's candidate

  Returns the value kept now: the caller's candidate, or the one kept before it
]]
redis.call('SET', KEYS[1], ARGV[1], 'NX')
return redis.call('GET', KEYS[1])
