import { describe, expect, it } from 'vitest';
import { MemoryAuctionStore, MemoryBidQueue, MemoryLock } from '../../src/adapter-kit/index.js';
import { createAuctionHouse, DEFAULT_SHARED_PARTITIONS, isOutcryError } from '../../src/index.js';

describe('the partition count of a shared store', () => {
  it('is kept from the first house, and a house with another count is refused at start with INVALID_INPUT', async () => {
    const store = new MemoryAuctionStore();
    const first = createAuctionHouse({ store, partitions: 4 });
    await first.start();
    const refused = createAuctionHouse({ store, queue: new MemoryBidQueue(), lock: new MemoryLock(), partitions: 8 });
    const error = await refused.start().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(isOutcryError(error) && error.code).toBe('INVALID_INPUT');
    expect(String((error as Error).message)).toMatch(/laid out for 4 partitions, and this house has 8/);
    // The refused house took nothing: the first one still judges every partition.
    expect(refused.metrics().partitions.owned).toEqual([]);
    const auction = await first.createAuction({
      sellerId: 'seller',
      title: 'Lot',
      currency: 'USD',
      startingPrice: 1_000,
      endsAt: Date.now() + 60_000,
    });
    expect((await first.placeBid({ auctionId: auction.id, bidderId: 'ann', amount: 1_000 })).status).toBe('accepted');
    await refused.stop();
    await first.stop();
  });

  it('defaults to DEFAULT_SHARED_PARTITIONS on shared stores and to 1 on the in-memory defaults', () => {
    expect(createAuctionHouse({ store: new MemoryAuctionStore() }).partitions).toBe(DEFAULT_SHARED_PARTITIONS);
    expect(createAuctionHouse().partitions).toBe(1);
  });
});
