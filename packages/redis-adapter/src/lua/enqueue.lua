--[[
  enqueue: append commands to a partition's stream, in order, in one step.

  KEYS[1]  queue  stream of the partition

  ARGV[1]  consumer group name
  ARGV[2..] one JSON payload per command

  The group is created with the stream, from id 0, so that no entry added before any reader
  came is skipped.
  Result: the ids given to the entries, in order.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
end
local ids = {}
for i = 2, #ARGV do
  ids[#ids + 1] = redis.call('XADD', KEYS[1], '*', 'c', ARGV[i])
end
return ids
