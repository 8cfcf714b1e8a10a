import type { PublicAuction } from '../engine/types.js';

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses), 0 before any read. */
  readonly hitRate: number;
  readonly size: number;
}

/** Public snapshots for reads, kept fresh by events. */
export interface SnapshotCache {
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
