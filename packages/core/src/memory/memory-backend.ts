import type { Backend, BackendCapabilities } from '../ports/backend.js';
import type { Broadcaster } from '../ports/broadcaster.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { Lock } from '../ports/lock.js';
import { MemoryAuctionStore } from './memory-auction-store.js';
import { MemoryBidQueue } from './memory-bid-queue.js';
import { MemoryBroadcaster } from './memory-broadcaster.js';
import { MemoryLock } from './memory-lock.js';
import { MemorySnapshotCache } from './memory-snapshot-cache.js';

/**
 * Options of `createMemoryBackend`: the clock of its ports, and any port to use instead of a
 * new one. Store, queue and cache are the memory ones (or subclasses): the capabilities follow
 * from them. Any lock and broadcaster will do.
 */
export interface MemoryBackendOptions {
  /** The clock retention, leases, queue idleness and cache expiry are measured by (the house's). */
  readonly clock?: Clock;
  readonly store?: MemoryAuctionStore;
  readonly queue?: MemoryBidQueue;
  readonly lock?: Lock;
  readonly broadcaster?: Broadcaster;
  readonly cache?: MemorySnapshotCache;
}

/** A backend in this process's memory. */
export interface MemoryBackend extends Backend {
  readonly store: MemoryAuctionStore;
  readonly queue: MemoryBidQueue;
  readonly cache: MemorySnapshotCache;
  readonly fencing: MemoryAuctionStore;
}

const MEMORY_CAPABILITIES: BackendCapabilities = {
  commitsInOrder: true,
  commitPublishes: false,
  commitFillsCache: false,
  queueInProcess: true,
  cacheShared: false,
  fencing: true,
  solePublisher: false,
  directCommands: false,
};

/**
 * Every port in this process's memory: the house's default. Houses of one process may share
 * one (each takes a share of the partitions, as processes on a shared backend do).
 */
export function createMemoryBackend(options: MemoryBackendOptions = {}): MemoryBackend {
  const clock = options.clock ?? systemClock;
  const store = options.store ?? new MemoryAuctionStore({ clock });
  return {
    store,
    queue: options.queue ?? new MemoryBidQueue({ clock }),
    lock: options.lock ?? new MemoryLock({ clock }),
    broadcaster: options.broadcaster ?? new MemoryBroadcaster(),
    cache: options.cache ?? new MemorySnapshotCache({ clock }),
    capabilities: MEMORY_CAPABILITIES,
    fencing: store,
    close: async () => undefined,
  };
}
