--[[
  claim-partition: make a lease's token the partition's highest, if it is above every token
  claimed or committed so far; commit.lua then refuses any lower one.

  KEYS[1]  fence  string, highest fencing token claimed or committed for the partition

  ARGV[1]  the token to claim

  Result: {1, token} when claimed; {0, highest} when the token is at or below the highest.
]]
local token = tonumber(ARGV[1])
local highest = tonumber(redis.call('GET', KEYS[1]) or '0')
if token <= highest then
  return {0, highest}
end
redis.call('SET', KEYS[1], ARGV[1])
return {1, token}
