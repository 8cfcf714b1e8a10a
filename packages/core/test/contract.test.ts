import {
  MemoryAuctionStore,
  MemoryBidQueue,
  MemoryBroadcaster,
  MemoryDirectCommands,
  MemoryLock,
  MemorySnapshotCache,
} from '@outcry/core/adapter-kit';
import {
  describeAuctionStoreContract,
  describeBidQueueContract,
  describeBroadcasterContract,
  describeDirectCommandsContract,
  describeLockContract,
  describeSnapshotCacheContract,
} from '@outcry/core/testing';
import { describe } from 'vitest';

describe('in-memory adapters', () => {
  describeAuctionStoreContract(() => new MemoryAuctionStore());
  describeBidQueueContract(() => new MemoryBidQueue());
  describeLockContract(() => new MemoryLock());
  describeBroadcasterContract(() => new MemoryBroadcaster(), {
    // One process: both "processes" of a pair share the one in-memory bus.
    makePair: () => {
      const broadcaster = new MemoryBroadcaster();
      return [broadcaster, broadcaster];
    },
  });
  describeSnapshotCacheContract((options) => new MemorySnapshotCache(options));
  describeDirectCommandsContract(() => {
    const direct = new MemoryDirectCommands();
    return [direct, direct];
  });
});
