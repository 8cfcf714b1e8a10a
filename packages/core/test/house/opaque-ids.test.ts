import { createAuctionHouse, createMemoryBackend, MemoryAuctionStore } from '@outcry/core';
import { describeOpaqueIdRoundTrip } from '@outcry/core/testing';

describeOpaqueIdRoundTrip(
  async () => {
    const store = new MemoryAuctionStore();
    const house = createAuctionHouse({ backend: createMemoryBackend({ store }) });
    await house.start();
    return { house, store, close: () => house.stop() };
  },
  { numRuns: 30 },
);
