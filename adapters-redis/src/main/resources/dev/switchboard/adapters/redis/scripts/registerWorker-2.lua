--[[
  registerWorker: a worker's birth, in python-rq's layout, so `rq info` lists it.

  KEYS[1] rq:worker:<name>   HASH
  KEYS[2] rq:workers         SET of worker keys
  KEYS[3..] rq:workers:<q>   SET of worker keys per queue served

  ARGV[1] registration TTL in seconds (refreshed by heartbeats)
  ARGV[2..] field, value pairs of the worker hash

  Returns 1
]]
redis.call('DEL', KEYS[1])
local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('EXPIRE', KEYS[1], ARGV[1])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
end
return 1
