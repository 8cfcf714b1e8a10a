--[[
  find-outcomes: the first outcome of each bidId, looked up in every partition at once.
  Only on a single Redis server: the keys span partitions (hash tags), which a Cluster refuses
  in one script; there the store sends one HMGET per partition instead.

  KEYS[1..n]  outcomes hashes of every partition

  ARGV[1..m]  bidIds

  Result: m values, the outcome JSON or false (nil) where no partition knows the bidId.
]]
local found = {}
local missing = #ARGV
for i = 1, #ARGV do
  found[i] = false
end
for k = 1, #KEYS do
  local values = redis.call('HMGET', KEYS[k], unpack(ARGV))
  for i = 1, #ARGV do
    if not found[i] and values[i] then
      found[i] = values[i]
      missing = missing - 1
    end
  end
  if missing == 0 then
    break
  end
end
return found
