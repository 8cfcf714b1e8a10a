--[[
  ack: forget delivered entries whose outcomes are committed.

  KEYS[1..s]  queue  stream of each partition (on a Cluster, one: a script stays in one slot)

  ARGV[1]  consumer group name
  ARGV[2..s+1]  how many entry ids follow for each stream, in the order of KEYS
  then the entry ids, stream by stream

  XACK takes them off the pending list and XDEL off the stream, so the stream's length is
  always the number of entries not acknowledged yet (its depth).
  Result: the number of entries acknowledged.
]]
local at = #KEYS + 2
local acked = 0
for s = 1, #KEYS do
  local last = at + tonumber(ARGV[s + 1]) - 1
  for from = at, last, 200 do
    local to = math.min(from + 199, last)
    acked = acked + redis.call('XACK', KEYS[s], ARGV[1], unpack(ARGV, from, to))
    redis.call('XDEL', KEYS[s], unpack(ARGV, from, to))
  end
  at = last + 1
end
return acked
