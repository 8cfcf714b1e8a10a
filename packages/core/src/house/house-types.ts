import type { Money } from '../engine/types.js';
import type { CacheStats } from '../ports/snapshot-cache.js';

/** One row of the public bid history. */
export interface PublicBid {
  readonly seq: number;
  readonly bidId: string;
  readonly bidderId: string;
  /** The public price after this bid. */
  readonly price: Money;
  readonly leaderId: string | null;
  readonly at: number;
  readonly buyNow: boolean;
}

/** The figures of `/auctions/:id/stats`. */
export interface AuctionStats {
  readonly bidCount: number;
  readonly uniqueBidders: number;
  readonly startingPrice: Money;
  readonly price: Money;
  readonly priceIncrease: Money;
  /** Percent with two decimals; null when the starting price is 0. */
  readonly priceIncreasePct: number | null;
  readonly extensions: number;
  readonly timeLeftMs: number;
}

/** What `house.metrics()` reports for this process. */
export interface HouseMetrics {
  readonly houseId: string;
  readonly state: 'new' | 'running' | 'stopping' | 'stopped';
  readonly partitions: { readonly total: number; readonly owned: number[] };
  readonly cache: CacheStats;
  readonly queue: {
    readonly intake: number;
    readonly waitingCallers: number;
    readonly intakeErrors: number;
    /** Commands judged by this house's own sequencers without a trip through the queue. */
    readonly inMemory: number;
    /** Commands sent through the queue (for other houses' partitions, closes, reroutes). */
    readonly queued: number;
  };
  readonly sequencer: {
    readonly batches: number;
    readonly commands: number;
    readonly averageBatch: number;
    readonly maxBatch: number;
    readonly commitErrors: number;
    readonly queueErrors: number;
  };
  readonly broadcaster: { readonly received: number; readonly publishErrors: number };
  readonly scheduler: { readonly deadlines: number };
  /** Snapshot cache writes that failed (reads then fall back to the store). */
  readonly cacheErrors: number;
}
