--[[
  read-batch: deliver the entries waiting in partitions' streams to a consumer (no blocking),
  and look up the stored outcomes of their bids in the same step, so that the sequencer's
  getOutcomes that follows needs no round trip of its own.

  KEYS[1..s]    queue     stream of each partition read (on a Cluster, one: a script stays in one slot)
  KEYS[s+1..n]  outcomes  hashes to look bids up in: every partition's on a single server; none on
                a Cluster, where the lookup is left to the store

  ARGV[1]  consumer group name
  ARGV[2]  consumer
  ARGV[3]  at most this many entries from each stream
  ARGV[4]  s, the number of streams

  Result: for each stream, in the order of KEYS, { entries, bidIds, outcomes }: its entries as
  XREADGROUP gives them, the b field of each entry that has one, and for each of those bidIds its
  outcome JSON or false.
]]
local count = tonumber(ARGV[4])
local args = { 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS' }
local results = {}
local position = {}
for i = 1, count do
  args[#args + 1] = KEYS[i]
  results[i] = { {}, {}, {} }
  position[KEYS[i]] = i
end
for _ = 1, count do
  args[#args + 1] = '>'
end
local reply = redis.call('XREADGROUP', unpack(args))
if not reply then
  return results
end
local all = {}
local ownerOf = {}
for _, stream in ipairs(reply) do
  local result = results[position[stream[1]]]
  result[1] = stream[2]
  local bidIds, found = result[2], result[3]
  for _, entry in ipairs(stream[2]) do
    local fields = entry[2]
    for j = 1, #fields, 2 do
      if fields[j] == 'b' then
        bidIds[#bidIds + 1] = fields[j + 1]
        found[#bidIds] = false
        all[#all + 1] = fields[j + 1]
        ownerOf[#all] = { found, #bidIds }
      end
    end
  end
end
if #all == 0 or #KEYS == count then
  return results
end
local missing = #all
local CHUNK = 1000
for k = count + 1, #KEYS do
  for from = 1, #all, CHUNK do
    local to = math.min(from + CHUNK - 1, #all)
    local values = redis.call('HMGET', KEYS[k], unpack(all, from, to))
    for i = from, to do
      local value = values[i - from + 1]
      local owner = ownerOf[i]
      if value and not owner[1][owner[2]] then
        owner[1][owner[2]] = value
        missing = missing - 1
      end
    end
  end
  if missing == 0 then
    break
  end
end
return results
