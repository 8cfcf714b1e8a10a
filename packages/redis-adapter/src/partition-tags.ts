/** Redis Cluster's hash slots. */
const SLOTS = 16_384;

/** CRC-16/XMODEM (polynomial 0x1021), the checksum Redis Cluster takes a key's slot from, by byte. */
const CRC_TABLE = Uint16Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  return crc;
});

/** The Cluster slot of a hash tag (the text between a key's first `{` and `}`), for ASCII tags. */
export function slotOfTag(tag: string): number {
  let crc = 0;
  for (let i = 0; i < tag.length; i++) {
    crc = ((crc << 8) & 0xffff) ^ (CRC_TABLE[((crc >> 8) ^ tag.charCodeAt(i)) & 0xff] as number);
  }
  return crc % SLOTS;
}

/**
 * The hash tag of a partition's keys: `p<n>`, or `p<n>-<k>` with the smallest k whose slot falls
 * in the partition's own stretch of the slots, [n, n + 1) x 16384 / partitions. The partitions'
 * slots are then spread evenly, so a Cluster whose masters hold equal ranges of slots (as
 * `redis-cli --cluster create` makes them) holds an equal share of the partitions on each:
 * 12 partitions on 3 masters are 4, 4 and 4, where `p<n>` alone puts 3, 3 and 6. A partition
 * number outside the count keeps `p<n>`.
 */
export function partitionTag(partition: number, partitions: number): string {
  const plain = `p${partition}`;
  // The queue and broadcaster ports take any partition number; only the count's are spread.
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) return plain;
  const from = Math.floor((partition * SLOTS) / partitions);
  const to = Math.floor(((partition + 1) * SLOTS) / partitions);
  const fits = (tag: string) => {
    const slot = slotOfTag(tag);
    return slot >= from && slot < to;
  };
  if (fits(plain)) return plain;
  // One try in `partitions` fits: a few thousand at most (MAX_PARTITIONS is 4096).
  for (let k = 1; ; k++) {
    const tag = `${plain}-${k}`;
    if (fits(tag)) return tag;
  }
}
