--[[
  renew-lease: extend a lease that this owner still holds with this token.

  KEYS[1]  lease  string '<token>:<owner>'

  ARGV[1]  '<token>:<owner>' of the lease to renew
  ARGV[2]  ttl in ms

  Result: 1 when renewed, 0 when the lease expired or another owner holds the key.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
