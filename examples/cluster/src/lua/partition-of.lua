-- HAProxy converter `lua.outcry_partition(<partitions>)`: the partition of the auction id it is
-- given, as @outcry/core's partitionOf computes it (FNV-1a of the id, modulo the count), so that
-- the balancer can send a bid to the server sequencing its auction. The ids are ASCII (the
-- servers make them), whose bytes are the UTF-16 code units partitionOf hashes.
core.register_converters("outcry_partition", function(id, partitions)
  local count = tonumber(partitions)
  if id == nil or count == nil or count < 1 then return nil end
  local hash = 0x811c9dc5
  for i = 1, #id do
    hash = ((hash ~ id:byte(i)) * 0x01000193) & 0xffffffff
  end
  return tostring(hash % count)
end)
