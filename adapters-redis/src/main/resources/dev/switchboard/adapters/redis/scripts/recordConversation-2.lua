--[[
  recordConversation: add a message to a contact's conversation history, once per message id.

  KEYS[1] switchboard:conversation:<business>:<contact>           ZSET message ids by time
  KEYS[2] switchboard:conversation:<business>:<contact>:messages  HASH message id -> JSON

  ARGV[1] message id
  ARGV[2] score: the message time, unix seconds
  ARGV[3] the entry as JSON

  Returns 1 recorded, 0 already there (idempotent)
]]
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[3]) == 0 then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
