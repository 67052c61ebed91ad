--[[
  purgeBusiness: deletes up to ARGV[4] jobs of one business, found through its per-business index
  (never by scanning the registries): the job hash, its results, its dedupe key (while it still
  names this job), its registry entry and its index entry. Used by the benchmarks to delete their
  reserved business's data; call until it returns 0. Queue lists are compacted afterwards by
  compactQueue-1.lua (removing an id from a list here would cost the list's length per job).

  KEYS, twelve per queue:
    rq:queue:<q>, rq:wip:<q>, rq:scheduled:<q>, rq:finished:<q>, rq:failed:<q>, rq:canceled:<q>,
    then the business's index of each: switchboard:jobs:<business>:<q>:<queued|started|scheduled|
    finished|failed|canceled>

  ARGV[1] job key prefix (rq:job:)
  ARGV[2] results key prefix (rq:results:)
  ARGV[3] dedupe key prefix (job_lock:)
  ARGV[4] most jobs to delete in this call

  Returns the number of jobs deleted
]]
local left = tonumber(ARGV[4])
local deleted = 0
for q = 0, #KEYS / 12 - 1 do
  for s = 1, 6 do
    local registry, index = KEYS[12 * q + s], KEYS[12 * q + 6 + s]
    if left <= 0 then
      return deleted
    end
    for _, id in ipairs(redis.call('ZRANGE', index, 0, left - 1)) do
      local job = ARGV[1] .. id
      local dedupe = redis.call('HGET', job, 'dedupe_key')
      if dedupe and dedupe ~= '' and redis.call('GET', ARGV[3] .. dedupe) == id then
        redis.call('DEL', ARGV[3] .. dedupe)
      end
      redis.call('DEL', job, ARGV[2] .. id)
      if s > 1 then
        redis.call('ZREM', registry, id)
      end
      redis.call('ZREM', index, id)
      deleted = deleted + 1
      left = left - 1
    end
  end
end
return deleted
