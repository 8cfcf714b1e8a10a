--[[
  set-snapshots: cache public views, never replacing a newer seq with an older one.

  KEYS[1..n]  snapshot keys, strings '<seq>|<json>' (all of one partition on a Cluster); KEYS[i] is the i-th view's

  ARGV[1]  ttl in ms
  ARGV[2i], ARGV[2i+1]  seq and '<seq>|<json>' value of the i-th view

  A key given twice is handled in order, so within a batch the newest seq wins too.
  Result: the number of views written.
]]
local written = 0
for i = 1, #KEYS do
  local seq = tonumber(ARGV[2 * i])
  local current = redis.call('GET', KEYS[i])
  local currentSeq = nil
  if current then
    currentSeq = tonumber(string.match(current, '^(%d+)|'))
  end
  if currentSeq == nil or currentSeq <= seq then
    redis.call('SET', KEYS[i], ARGV[2 * i + 1], 'PX', ARGV[1])
    written = written + 1
  end
end
return written
