--[[
  unregisterWorker: a worker's death, in python-rq's layout.

  KEYS[1] rq:worker:<name>   HASH
  KEYS[2] rq:workers         SET
  KEYS[3..] rq:workers:<q>   SET per queue served

  ARGV[1] now, python-rq timestamp text

  Returns 1
]]
for i = 2, #KEYS do
  redis.call('SREM', KEYS[i], KEYS[1])
end
redis.call('HSET', KEYS[1], 'death', ARGV[1], 'state', 'dead')
redis.call('EXPIRE', KEYS[1], 60)
return 1
