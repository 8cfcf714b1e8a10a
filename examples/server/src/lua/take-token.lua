--[[
  take-token: take one token of a token bucket that refills at a steady rate up to a burst.
  The time is Redis's own, so every process sharing the bucket agrees on it.

  KEYS[1]  bucket  hash { tokens, at } (at: ms)

  ARGV[1]  tokens refilled per second (> 0)
  ARGV[2]  burst: the most tokens the bucket holds (>= 1)

  Result: 0 when a token was taken; else the ms until one is free (nothing is written then).
  The bucket expires once it would be full again: a missing bucket is a full one.
]]
local per_ms = tonumber(ARGV[1]) / 1000
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

local tokens = burst
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
if bucket[1] then
  local elapsed = math.max(0, now - tonumber(bucket[2]))
  tokens = math.min(burst, tonumber(bucket[1]) + elapsed * per_ms)
end

if tokens < 1 then
  return math.ceil((1 - tokens) / per_ms)
end
tokens = tokens - 1
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / per_ms) + 1000)
return 0
