--[[
  release-lease: free the key if this lease still holds it.

  KEYS[1]  lease  string '<token>:<owner>'

  ARGV[1]  '<token>:<owner>' of the lease to release

  Result: 1 when released, 0 when the lease had been lost already.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
