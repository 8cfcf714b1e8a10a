--[[
  enqueue: append commands to partitions' streams, in order, in one step.

  KEYS[1..s]  queue  stream of each partition (on a Cluster, one: a script stays in one slot)

  ARGV[1]  consumer group name
  ARGV[2..s+1]  how many commands go to each stream, in the order of KEYS
  then, stream by stream, per command: its bidId ('' when it is not a bid, or minted), its JSON payload

  Each entry has the field c (the payload) and, for a bid, b (its bidId), which read-batch.lua
  uses without decoding JSON. The group is created with the stream, from id 0, so that no entry
  added before any reader came is skipped.
  Result: the number of entries added.
]]
local at = #KEYS + 2
local added = 0
for s = 1, #KEYS do
  local stream = KEYS[s]
  if redis.call('EXISTS', stream) == 0 then
    redis.call('XGROUP', 'CREATE', stream, ARGV[1], '0', 'MKSTREAM')
  end
  for _ = 1, tonumber(ARGV[s + 1]) do
    if ARGV[at] == '' then
      redis.call('XADD', stream, '*', 'c', ARGV[at + 1])
    else
      redis.call('XADD', stream, '*', 'c', ARGV[at + 1], 'b', ARGV[at])
    end
    at = at + 2
    added = added + 1
  end
end
return added
