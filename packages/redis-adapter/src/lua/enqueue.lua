--[[
  enqueue: append commands to a partition's stream, in order, in one step.

  KEYS[1]  queue  stream of the partition

  ARGV[1]  consumer group name
  ARGV[2i], ARGV[2i+1]  bidId of the i-th command ('' when it is not a bid), its JSON payload

  Each entry has the field c (the payload) and, for a bid, b (its bidId), which read-batch.lua
  uses without decoding JSON. The group is created with the stream, from id 0, so that no entry
  added before any reader came is skipped.
  Result: the ids given to the entries, in order.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
end
local ids = {}
for i = 2, #ARGV, 2 do
  if ARGV[i] == '' then
    ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', 'c', ARGV[i + 1])
  else
    ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', 'c', ARGV[i + 1], 'b', ARGV[i])
  end
end
return ids
