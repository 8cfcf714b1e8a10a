import { createAuctionHouse, createMemoryBackend } from '@outcry/core';
import { MemoryAuctionStore, MemoryBidQueue, MemoryBroadcaster, MemoryLock } from '@outcry/core/adapter-kit';
import { eventually } from '@outcry/core/testing';
import { describe, expect, it } from 'vitest';

describe('houses sharing one store', () => {
  it('share the partitions fairly, and the survivor takes them all back', async () => {
    const ports = {
      store: new MemoryAuctionStore(),
      queue: new MemoryBidQueue(),
      lock: new MemoryLock(),
      broadcaster: new MemoryBroadcaster(),
    };
    const options = { partitions: 8, leaseTtlMs: 300 };
    const first = createAuctionHouse({ backend: createMemoryBackend(ports), ...options });
    await first.start();
    expect(first.metrics().partitions.owned).toHaveLength(8);
    const second = createAuctionHouse({ backend: createMemoryBackend(ports), ...options });
    await second.start();
    try {
      await eventually(() => second.metrics().partitions.owned.length === 4, 5_000);
      const owned = [...first.metrics().partitions.owned, ...second.metrics().partitions.owned].sort((a, b) => a - b);
      expect(owned).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

      const a = await second.createAuction({
        sellerId: 's',
        title: 'Lot',
        currency: 'USD',
        startingPrice: 100,
        endsAt: Date.now() + 60_000,
      });
      const bids = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? first : second).placeBid({ auctionId: a.id, bidderId: `b${i % 4}`, amount: 100 + i * 10 }),
        ),
      );
      expect(bids.every((b) => b.status === 'accepted' || b.status === 'rejected')).toBe(true);
    } finally {
      await first.stop();
    }
    try {
      await eventually(() => second.metrics().partitions.owned.length === 8, 5_000);
    } finally {
      await second.stop();
    }
  });
});
