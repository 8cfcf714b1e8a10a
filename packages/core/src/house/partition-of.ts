/** The partition of an auction: FNV-1a of its id, modulo the partition count. Stable across processes. */
export function partitionOf(auctionId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < auctionId.length; i++) {
    hash ^= auctionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
