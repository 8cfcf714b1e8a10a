import type { PublicAuction } from '../engine/types.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { CacheStats, SnapshotCache } from '../ports/snapshot-cache.js';

interface Entry {
  auction: PublicAuction;
  expiresAt: number;
}

export interface MemorySnapshotCacheOptions {
  /** How long a snapshot stays without a refresh (60 s by default). */
  ttlMs?: number;
  /** At most this many snapshots; the first inserted go first (100,000 by default). */
  maxEntries?: number;
  clock?: Clock;
}

/** SnapshotCache in this process's memory, with a TTL and a size bound. */
export class MemorySnapshotCache implements SnapshotCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #clock: Clock;
  #hits = 0;
  #misses = 0;

  constructor(options: MemorySnapshotCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#clock = options.clock ?? systemClock;
  }

  async getMany(ids: readonly string[]): Promise<(PublicAuction | undefined)[]> {
    const now = this.#clock.now();
    return ids.map((id) => {
      const entry = this.#entries.get(id);
      if (entry === undefined || entry.expiresAt <= now) {
        this.#misses++;
        return undefined;
      }
      this.#hits++;
      return entry.auction;
    });
  }

  async setMany(auctions: readonly PublicAuction[]): Promise<void> {
    const expiresAt = this.#clock.now() + this.#ttlMs;
    for (const auction of auctions) {
      const entry = this.#entries.get(auction.id);
      if (entry === undefined) this.#entries.set(auction.id, { auction, expiresAt });
      else if (entry.auction.seq <= auction.seq) {
        // Updated in place: eviction goes by first insertion, which keeps the hot path cheap.
        entry.auction = auction;
        entry.expiresAt = expiresAt;
      }
    }
    this.#evict();
  }

  /** Evict a tenth at once: one pass per many inserts, not a walk over the Map's front per insert. */
  #evict(): void {
    if (this.#entries.size <= this.#maxEntries) return;
    let excess = this.#entries.size - this.#maxEntries + Math.ceil(this.#maxEntries / 10);
    for (const id of this.#entries.keys()) {
      if (excess-- <= 0) break;
      this.#entries.delete(id);
    }
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#entries.delete(id);
  }

  async clear(): Promise<void> {
    this.#entries.clear();
  }

  stats(): CacheStats {
    const reads = this.#hits + this.#misses;
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRate: reads === 0 ? 0 : this.#hits / reads,
      size: this.#entries.size,
    };
  }
}
