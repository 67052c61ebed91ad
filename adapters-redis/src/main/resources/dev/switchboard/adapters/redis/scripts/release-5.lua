-- include common
--[[
  release: the lease holder gives back a job whose attempt has stopped without an outcome
  (graceful shutdown). The job goes to the FRONT of its queue and the attempt does not count; a
  job whose cancel was requested is canceled instead.

  KEYS[1] rq:job:<id>           HASH
  KEYS[2] rq:wip:<q>            ZSET started registry
  KEYS[3] rq:queue:<q>          LIST of waiting job ids
  KEYS[4] switchboard:wake:<q>  LIST of wake-up tokens
  KEYS[5] rq:canceled:<q>       ZSET canceled registry

  ARGV[1] job id
  ARGV[2] lease token
  ARGV[3] now, python-rq timestamp text
  ARGV[4] most wake tokens to keep per queue

  Returns 1 released, 2 canceled instead (a cancel was requested), -1 lease lost
]]
if not holds_lease(KEYS[1], KEYS[2], ARGV[1], ARGV[2]) then
  return -1
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HINCRBY', KEYS[1], 'attempts', -1)
if redis.call('HGET', KEYS[1], 'cancel_requested') == '1' then
  mark_canceled(KEYS[1], ARGV[1], KEYS[5], now_seconds(), ARGV[3], 'started')
  return 2
end
requeue(KEYS[1], ARGV[1], KEYS[3], KEYS[4], true, ARGV[3], tonumber(ARGV[4]), now_seconds(), 'started')
return 1
