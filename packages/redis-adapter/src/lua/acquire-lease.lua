--[[
  acquire-lease: take a free key and hand out the next fencing token.

  KEYS[1]  lease        string '<token>:<owner>' with a PX expiry
  KEYS[2]  lease-token  counter of tokens given out for the key; never expires, so tokens only grow
  (both keys carry the lock key as hash tag)

  ARGV[1]  owner
  ARGV[2]  ttl in ms
  ARGV[3]  the least token to hand out (0 for none): the counter jumps to it when below

  Result: the new token, or false (nil in the client) when the key is held.
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false
end
local token = redis.call('INCR', KEYS[2])
local least = tonumber(ARGV[3])
if token < least then
  token = least
  redis.call('SET', KEYS[2], token)
end
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'PX', ARGV[2])
return token
