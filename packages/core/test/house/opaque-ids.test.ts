import { createAuctionHouse } from '@outcry/core';
import { MemoryAuctionStore } from '@outcry/core/adapter-kit';
import { describeOpaqueIdRoundTrip } from '@outcry/core/testing';

describeOpaqueIdRoundTrip(
  async () => {
    const store = new MemoryAuctionStore();
    const house = createAuctionHouse({ store });
    await house.start();
    return { house, store, close: () => house.stop() };
  },
  { numRuns: 30 },
);
