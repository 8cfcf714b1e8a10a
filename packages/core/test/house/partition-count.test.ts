import { memoryBackendOf } from '../support/memory-backend-of.js';
import { describe, expect, it } from 'vitest';
import {
  createAuctionHouse,
  DEFAULT_SHARED_PARTITIONS,
  isOutcryError,
  MemoryAuctionStore,
  createMemoryBackend,
} from '../../src/index.js';

describe('the partition count of a shared store', () => {
  it('is kept from the first house, and a house with another count is refused at start with INVALID_INPUT', async () => {
    const store = new MemoryAuctionStore();
    const first = createAuctionHouse({ backend: memoryBackendOf({ store }), partitions: 4 });
    await first.start();
    const refused = createAuctionHouse({ backend: memoryBackendOf({ store }), partitions: 8 });
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

  it("defaults to the backend's count, else to DEFAULT_SHARED_PARTITIONS, and to 1 with no backend", () => {
    expect(createAuctionHouse({ backend: createMemoryBackend() }).partitions).toBe(DEFAULT_SHARED_PARTITIONS);
    expect(createAuctionHouse({ backend: { ...createMemoryBackend(), partitions: 8 } }).partitions).toBe(8);
    expect(createAuctionHouse().partitions).toBe(1);
  });

  it("refuses at once a house whose count differs from its backend's, naming both", () => {
    expect(() => createAuctionHouse({ backend: { ...createMemoryBackend(), partitions: 4 }, partitions: 8 })).toThrow(
      /^The house has 8 partitions and its backend 4/,
    );
  });
});
