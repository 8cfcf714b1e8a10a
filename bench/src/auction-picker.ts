import { partitionOf } from '@outcry/core/adapter-kit';

/** How callers pick auctions: every auction, or only those of the partitions this process owns. */
export type Routing = 'spread' | 'routed';

/** What a scale-out process's callers may bid on, now. */
export interface AuctionPicker {
  current(): readonly string[];
  stop(): void;
}

/**
 * The auctions a caller may bid on now: all, or those of the partitions `owned()` names
 * (looked at again every 250 ms), in the order they were created, as with all of them: the
 * callers' consecutive bids then fall on the owned partitions in turn, as users' would, and a
 * group commit holds bids of each partition, not of one.
 */
export function auctionPicker(
  auctionIds: readonly string[],
  routing: Routing,
  partitions: number,
  owned: () => readonly number[],
): AuctionPicker {
  if (routing === 'spread') return { current: () => auctionIds, stop: () => undefined };
  const partitionOfId = auctionIds.map((id) => partitionOf(id, partitions));
  let mine: readonly string[] = [];
  const refresh = () => {
    const ownedNow = new Set(owned());
    mine = auctionIds.filter((_, i) => ownedNow.has(partitionOfId[i] as number));
  };
  refresh();
  const timer = setInterval(refresh, 250);
  return { current: () => mine, stop: () => clearInterval(timer) };
}
