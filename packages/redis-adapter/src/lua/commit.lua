--[[
  commit: one group commit of a sequencer, all of it or nothing.

  KEYS[1]  fence        string, highest fencing token claimed or committed for the partition
  KEYS[2]  outcomes     hash bidId -> outcome JSON (first outcome kept); every bid in a ledger has one
  KEYS[3]  channel      the partition's Pub/Sub channel (sharded on a Cluster)
  KEYS[2+2i], KEYS[3+2i]  state and ledger keys of the batch's i-th auction (i = 1..n)
  KEYS[3+2n+c]            spec key of the c-th auction the batch creates (in the order above)
  then, only when the batch may change a listing (some auction's status is given, below), with
  L = 3 + 2n + the number of auctions created:
  KEYS[L+1]  statuses   hash listing member -> status
  KEYS[L+2]  list:all   sorted set of every auction's listing member
  KEYS[L+3..L+6]        sorted sets list:scheduled, list:open, list:closed, list:cancelled
  (A batch of bids on open auctions, the usual one, sends none of the six: each key is bytes
  Redis reads and a string its Lua makes, for every batch of every partition.)
  Every key and the channel carry the partition's hash tag.

  ARGV[1]  fencing token of the writer's lease
  ARGV[2]  n, the number of auctions in the batch
  ARGV[3]  m, the number of outcomes to look up before writing
  ARGV[4]  f, the number of outcomes of bidIds the house minted for this batch (none can exist yet)
  ARGV[5]  e, the number of new ledger entries
  ARGV[6]  'PUBLISH' or 'SPUBLISH' to publish ARGV[7] on the channel once written, '' for none
  ARGV[7]  the batch's broadcast message as the broadcaster sends it
  then, per auction i, six values:
           state JSON without the spec ('' when the state did not change), status and listing
           member ('' and '' when the batch cannot have changed them: only bids on an open auction),
           seq of its first new ledger entry (0 when none), number of new entries,
           spec JSON ('' unless the batch creates the auction)
  then the e entries' JSON, auction by auction in the order above; then their e bidIds ('' when
  not a bid, or minted); then m pairs of an outcome's bidId and JSON, then f such pairs.
  Every value is an argument of its own: Redis hands arguments to Lua as they are, where values
  joined in one argument would be copied again when split (every byte costs Redis time).
  (No snapshot is written: the cache of the same adapters reads public views from these states.)

  Result: {'OK'} when written; {'REPLAY'} when every entry is already in the ledger byte for
  byte (the same batch sent again after a lost reply: nothing is written twice);
  {'STALE_TOKEN', highest}; {'SEQ_CONFLICT', ledger key, seq}; {'BID_CONFLICT', bidId}.
  Nothing is written unless the result is {'OK'} (or outcomes on {'REPLAY'}, which are kept-first),
  and the message is published only with {'OK'}: subscribers hear of a batch if and only if it
  was committed, and of a batch sent again after a lost reply only once.

  Several batches in one call (their keys on one server): ARGV[1] = 'MANY', ARGV[2] = c, then
  for each batch the number of its keys and of its arguments (2c values), then every batch's
  keys in KEYS and arguments in ARGV, one batch after the other, each laid out as above. Each
  batch is committed, or refused, on its own, in order; the result is the list of their results.
  A batch is read where it lies (its keys from KEYS[kb + 1], its arguments from ARGV[ab + 1]):
  copying each batch's values out would cost Redis time for every value of every batch.
]]

local CHUNK = 200

-- One call for many values: chunked, since Lua's unpack has a small stack.
local function callEach(command, key, values, width)
  local replies = {}
  for from = 1, #values, CHUNK * width do
    local to = math.min(from + CHUNK * width - 1, #values)
    local reply = redis.call(command, key, unpack(values, from, to))
    if type(reply) == 'table' then
      for _, value in ipairs(reply) do replies[#replies + 1] = value end
    end
  end
  return replies
end

-- The first outcome of a bidId is kept. A bid of the batch whose bidId has an outcome already
-- was judged before (a bid in a ledger always has one): only a stale writer sends it again.
local function knownOutcomes(outcomesKey, ids)
  if #ids == 0 then return {} end
  return callEach('HMGET', outcomesKey, ids, 1)
end

-- Writes the first `count` outcomes the hash lacks, once each; `known` holds what it had, in
-- order. The JSON of the outcome of outcomeIds[i] is ARGV[outcomeBase + 2i - 1].
local function keepOutcomes(outcomesKey, outcomeIds, outcomeBase, count, known)
  local fields = {}
  local taken = {}
  for i = 1, count do
    local id = outcomeIds[i]
    if not known[i] and not taken[id] then
      taken[id] = true
      fields[#fields + 1] = id
      fields[#fields + 1] = ARGV[outcomeBase + 2 * i - 1]
    end
  end
  if #fields > 0 then
    callEach('HSET', outcomesKey, fields, 2)
  end
end

-- One batch, whose keys start after KEYS[kb] and its arguments after ARGV[ab].
local function commit(kb, ab)
  local token = tonumber(ARGV[ab + 1])
  local highest = tonumber(redis.call('GET', KEYS[kb + 1]) or '0')
  if token < highest then
    return {'STALE_TOKEN', tostring(highest)}
  end

  local n = tonumber(ARGV[ab + 2])
  local m = tonumber(ARGV[ab + 3])
  local f = tonumber(ARGV[ab + 4])
  local e = tonumber(ARGV[ab + 5])
  local AUCTION_BASE = ab + 8
  local PER_AUCTION = 6
  local ENTRY_BASE = AUCTION_BASE + n * PER_AUCTION
  local BID_BASE = ENTRY_BASE + e
  local OUTCOME_BASE = BID_BASE + e

  -- Checks first: a refused batch must leave no trace.
  local newCount = 0
  local replayCount = 0
  local cursor = 1
  local newBids = {}
  local batchBids = {}
  for i = 1, n do
    local base = AUCTION_BASE + (i - 1) * PER_AUCTION
    local firstSeq = tonumber(ARGV[base + 3])
    local count = tonumber(ARGV[base + 4])
    if count > 0 then
      local ledgerKey = KEYS[kb + 3 + 2 * i]
      local length = redis.call('LLEN', ledgerKey)
      if firstSeq == length + 1 then
        newCount = newCount + 1
        for j = 0, count - 1 do
          local bidId = ARGV[BID_BASE + cursor + j - 1]
          if bidId ~= '' then
            if batchBids[bidId] then
              return {'BID_CONFLICT', bidId}
            end
            batchBids[bidId] = true
            newBids[#newBids + 1] = bidId
          end
        end
      elseif firstSeq + count - 1 <= length then
        for j = 0, count - 1 do
          if redis.call('LINDEX', ledgerKey, firstSeq + j - 1) ~= ARGV[ENTRY_BASE + cursor + j - 1] then
            return {'SEQ_CONFLICT', ledgerKey, tostring(firstSeq + j)}
          end
        end
        replayCount = replayCount + 1
      else
        return {'SEQ_CONFLICT', ledgerKey, tostring(firstSeq)}
      end
    end
    cursor = cursor + count
  end

  if replayCount > 0 and newCount > 0 then
    return {'SEQ_CONFLICT', 'mixed replay', '0'}
  end

  local outcomeIds = {}
  for k = 1, m do outcomeIds[k] = ARGV[OUTCOME_BASE + 2 * k - 2] end

  if replayCount > 0 then
    -- Sent again: minted bidIds may hold their outcomes already, so every one is looked up.
    for k = m + 1, m + f do outcomeIds[k] = ARGV[OUTCOME_BASE + 2 * k - 2] end
    keepOutcomes(KEYS[kb + 2], outcomeIds, OUTCOME_BASE, m + f, knownOutcomes(KEYS[kb + 2], outcomeIds))
    return {'REPLAY'}
  end

  -- One HMGET for the outcomes and the new bids: a new bid's outcome is usually in the batch.
  local asked = {}
  local position = {}
  for k = 1, m do
    asked[k] = outcomeIds[k]
    position[outcomeIds[k]] = position[outcomeIds[k]] or k
  end
  for k = 1, #newBids do
    local id = newBids[k]
    if not position[id] then
      asked[#asked + 1] = id
      position[id] = #asked
    end
  end
  local known = knownOutcomes(KEYS[kb + 2], asked)
  for k = 1, #newBids do
    if known[position[newBids[k]]] then
      return {'BID_CONFLICT', newBids[k]}
    end
  end

  -- Writes.
  if token > highest then
    redis.call('SET', KEYS[kb + 1], tostring(token))
  end
  local values = {}
  local created = 0
  local members = {}
  local memberStatus = {}
  for i = 1, n do
    local base = AUCTION_BASE + (i - 1) * PER_AUCTION
    if ARGV[base + 5] ~= '' then
      created = created + 1
      values[#values + 1] = KEYS[kb + 3 + 2 * n + created]
      values[#values + 1] = ARGV[base + 5]
    end
    if ARGV[base] ~= '' then
      values[#values + 1] = KEYS[kb + 2 + 2 * i]
      values[#values + 1] = ARGV[base]
    end
    if ARGV[base + 1] ~= '' then
      members[#members + 1] = ARGV[base + 2]
      memberStatus[#members] = ARGV[base + 1]
    end
  end
  if #values > 0 then
    -- MSET has no leading key, so it is chunked here rather than by callEach.
    for from = 1, #values, CHUNK * 2 do
      redis.call('MSET', unpack(values, from, math.min(from + CHUNK * 2 - 1, #values)))
    end
  end
  if #members > 0 then
    local L = kb + 3 + 2 * n + created
    local statusKeys = { scheduled = KEYS[L + 3], open = KEYS[L + 4], closed = KEYS[L + 5], cancelled = KEYS[L + 6] }
    local previous = callEach('HMGET', KEYS[L + 1], members, 1)
    local changed = {}
    for k = 1, #members do
      local member, status, before = members[k], memberStatus[k], previous[k]
      if before ~= status then
        if before then
          redis.call('ZREM', statusKeys[before], member)
        else
          redis.call('ZADD', KEYS[L + 2], 0, member)
        end
        redis.call('ZADD', statusKeys[status], 0, member)
        changed[#changed + 1] = member
        changed[#changed + 1] = status
      end
    end
    if #changed > 0 then
      callEach('HSET', KEYS[L + 1], changed, 2)
    end
  end
  cursor = 1
  for i = 1, n do
    local count = tonumber(ARGV[AUCTION_BASE + (i - 1) * PER_AUCTION + 4])
    local last = ENTRY_BASE + cursor + count - 2
    for from = ENTRY_BASE + cursor - 1, last, CHUNK do
      redis.call('RPUSH', KEYS[kb + 3 + 2 * i], unpack(ARGV, from, math.min(from + CHUNK - 1, last)))
    end
    cursor = cursor + count
  end
  keepOutcomes(KEYS[kb + 2], outcomeIds, OUTCOME_BASE, m, known)
  local freshFrom = OUTCOME_BASE + 2 * m
  local freshTo = freshFrom + 2 * f - 1
  for from = freshFrom, freshTo, CHUNK * 2 do
    redis.call('HSET', KEYS[kb + 2], unpack(ARGV, from, math.min(from + CHUNK * 2 - 1, freshTo)))
  end
  if ARGV[ab + 6] ~= '' then
    redis.call(ARGV[ab + 6], KEYS[kb + 3], ARGV[ab + 7])
  end
  return {'OK'}
end

if ARGV[1] ~= 'MANY' then
  return commit(0, 0)
end
local count = tonumber(ARGV[2])
local results = {}
local keyAt, argAt = 0, 2 + 2 * count
for b = 1, count do
  results[b] = commit(keyAt, argAt)
  keyAt = keyAt + tonumber(ARGV[1 + 2 * b])
  argAt = argAt + tonumber(ARGV[2 + 2 * b])
end
return results
