--[[
  read-batch: deliver the entries waiting in a partition's stream to a consumer (no blocking),
  and look up the stored outcomes of their bids in the same step, so that the sequencer's
  getOutcomes that follows needs no round trip of its own.

  KEYS[1]     queue     stream of the partition
  KEYS[2..n]  outcomes  hashes to look bids up in: every partition's on a single server; none on
              a Cluster (a script stays within one slot), where the lookup is left to the store

  ARGV[1]  consumer group name
  ARGV[2]  consumer
  ARGV[3]  at most this many entries

  Result: { entries, bidIds, outcomes }: the entries as XREADGROUP gives them, the b field of
  each entry that has one, and for each of those bidIds its outcome JSON or false.
]]
local reply = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
if not reply then
  return { {}, {}, {} }
end
local entries = reply[1][2]
local bidIds = {}
for _, entry in ipairs(entries) do
  local fields = entry[2]
  for j = 1, #fields, 2 do
    if fields[j] == 'b' then
      bidIds[#bidIds + 1] = fields[j + 1]
    end
  end
end
local found = {}
for i = 1, #bidIds do
  found[i] = false
end
if #bidIds > 0 and #KEYS > 1 then
  local missing = #bidIds
  for k = 2, #KEYS do
    local values = redis.call('HMGET', KEYS[k], unpack(bidIds))
    for i = 1, #bidIds do
      if not found[i] and values[i] then
        found[i] = values[i]
        missing = missing - 1
      end
    end
    if missing == 0 then
      break
    end
  end
end
return { entries, bidIds, found }
