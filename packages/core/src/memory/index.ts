export { MemoryAuctionStore, type MemoryAuctionStoreOptions } from './memory-auction-store.js';
export { createMemoryBackend, type MemoryBackend, type MemoryBackendOptions } from './memory-backend.js';
export { MemoryBidQueue } from './memory-bid-queue.js';
export { MemoryBroadcaster } from './memory-broadcaster.js';
export { MemoryDirectCommands } from './memory-direct-commands.js';
export { MemoryLock } from './memory-lock.js';
export { MemorySnapshotCache, type MemorySnapshotCacheOptions } from './memory-snapshot-cache.js';
