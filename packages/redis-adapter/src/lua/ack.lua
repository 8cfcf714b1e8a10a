--[[
  ack: forget delivered entries whose outcomes are committed.

  KEYS[1]  queue  stream of the partition

  ARGV[1]  consumer group name
  ARGV[2..] entry ids

  XACK takes them off the pending list and XDEL off the stream, so the stream's length is
  always the number of entries not acknowledged yet (its depth).
  Result: the number of entries acknowledged.
]]
local ids = {}
for i = 2, #ARGV do
  ids[#ids + 1] = ARGV[i]
end
local acked = 0
for start = 1, #ids, 200 do
  local chunk = {}
  for i = start, math.min(start + 199, #ids) do
    chunk[#chunk + 1] = ids[i]
  end
  acked = acked + redis.call('XACK', KEYS[1], ARGV[1], unpack(chunk))
  redis.call('XDEL', KEYS[1], unpack(chunk))
end
return acked
