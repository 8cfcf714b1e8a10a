import { createMemoryBackend } from '@outcry/core';
import { MemoryAuctionStore, MemoryBidQueue, MemoryBroadcaster, MemoryLock } from '@outcry/core/adapter-kit';
import { describeStackContract } from '@outcry/core/testing';

// One process: every house shares the store, queue, lock and bus; each keeps its own cache.
describeStackContract('in memory', ({ partitions }) => {
  const shared = {
    store: new MemoryAuctionStore(),
    queue: new MemoryBidQueue(),
    lock: new MemoryLock(),
    broadcaster: new MemoryBroadcaster(),
  };
  return {
    connect: (options = {}) => ({
      backend: { ...createMemoryBackend(shared), partitions: options.partitions ?? partitions },
      close: async () => undefined,
    }),
    close: async () => undefined,
  };
});
