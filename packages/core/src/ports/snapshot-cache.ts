import type { PublicAuction } from '../engine/types.js';
import type { AuctionStore } from './auction-store.js';

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses), 0 before any read. */
  readonly hitRate: number;
  readonly size: number;
}

/** Public snapshots for reads, kept fresh by events. */
export interface SnapshotCache {
  /**
   * True when every process reads this same cache (Redis): then only the sequencer that made
   * a change stores it. An in-process cache (false) is also filled from every broadcast.
   */
  readonly shared?: boolean;
  /**
   * The store whose commits keep this cache current in the same step (the Redis adapters' cache
   * makes its views from the states their store's commit writes): a house on that store never
   * calls setMany.
   */
  readonly filledBy?: AuctionStore | undefined;
  /** Cached views, same order, undefined for a miss. One round trip. */
  getMany(ids: readonly string[]): Promise<(PublicAuction | undefined)[]>;
  /** Store views; an older seq never replaces a newer one. */
  setMany(auctions: readonly PublicAuction[]): Promise<void>;
  delete(ids: readonly string[]): Promise<void>;
  clear(): Promise<void>;
  /** Hit and miss figures of this process. */
  stats(): CacheStats;
  close?(): Promise<void>;
}
