-- include common
--[[
  canceled: the lease holder stopped a job whose cancel was requested.

  KEYS[1] rq:job:<id>        HASH
  KEYS[2] rq:wip:<q>         ZSET started registry
  KEYS[3] rq:canceled:<q>    ZSET canceled registry, score = when canceled (Redis time)

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] now, python-rq timestamp text

  Returns 1 applied, -1 lease lost
]]
if not holds_lease(KEYS[1], KEYS[2], ARGV[1], ARGV[2]) then
  return -1
end
redis.call('ZREM', KEYS[2], ARGV[1])
mark_canceled(KEYS[1], ARGV[1], KEYS[3], now_seconds(), ARGV[3], 'started')
return 1
