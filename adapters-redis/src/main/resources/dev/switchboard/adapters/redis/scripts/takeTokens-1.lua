-- takeTokens-1: take COST tokens from a business's token bucket, refilled at RATE per second up
-- to BURST, using Redis's own clock (every api process sees one bucket and one time).
--
-- KEYS[1]  the bucket hash (switchboard:rate:<business>): tokens, ms of the last refill
-- ARGV[1]  RATE, tokens per second (> 0)
-- ARGV[2]  BURST, the bucket's size
-- ARGV[3]  COST, tokens to take
--
-- Returns {1, 0} when taken; {0, wait_ms} when the bucket holds too few: wait_ms until it would
-- hold COST (for COST > BURST, the time to fill the whole bucket: the caller must split the work).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])

local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
if now > ts then
  tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
  ts = now
end

local taken = 0
local wait = 0
if cost <= tokens then
  tokens = tokens - cost
  taken = 1
elseif cost > burst then
  wait = math.ceil(burst * 1000 / rate)
else
  wait = math.ceil((cost - tokens) * 1000 / rate)
end

redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
-- A full bucket needs no key: it expires once it would have refilled.
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {taken, wait}
