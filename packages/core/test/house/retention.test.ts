import { type AuctionHouse, createAuctionHouse, createMemoryBackend } from '@outcry/core';
import { MemoryAuctionStore } from '@outcry/core/adapter-kit';
import { createFakeClock, eventually } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';

let house: AuctionHouse;
afterEach(async () => {
  await house?.stop();
});

const HOUR = 3_600_000;

describe('an in-memory house running for a long time', () => {
  it('forgets ended auctions, their ledgers and their bids’ outcomes after retainClosedMs; live ones stay', async () => {
    const clock = createFakeClock();
    const store = new MemoryAuctionStore({ clock, retainClosedMs: HOUR });
    house = createAuctionHouse({ backend: createMemoryBackend({ store, clock }), clock });
    await house.start();
    const lot = (endsInMs: number) => ({
      sellerId: 's',
      title: 'Lot',
      currency: 'USD',
      startingPrice: 100,
      endsAt: clock.now() + endsInMs,
    });
    const ended: string[] = [];
    for (let i = 0; i < 50; i++) {
      const auction = await house.createAuction(lot(1_000));
      ended.push(auction.id);
      await house.placeBid({ auctionId: auction.id, bidderId: `b${i}`, amount: 500, bidId: `bid-${i}` });
      await house.placeBid({ auctionId: auction.id, bidderId: `c${i}`, amount: 50, bidId: `low-${i}` }); // rejected
    }
    await house.placeBid({ auctionId: 'no-such-auction', bidderId: 'x', amount: 500, bidId: 'orphan' });
    const live = await house.createAuction(lot(10 * HOUR));
    await house.placeBid({ auctionId: live.id, bidderId: 'bob', amount: 500, bidId: 'live-bid' });

    clock.advance(2_000);
    await eventually(async () => (await house.getAuction(ended[49] as string))?.status === 'closed');
    // Ended auctions leave the sequencers' memory as soon as their close is committed.
    expect(house.metrics().sequencer.auctionsInMemory).toBe(1);
    // Within the retention they are all still there: reads, ledger, outcomes.
    expect((await house.getAuction(ended[0] as string))?.result?.outcome).toBe('sold');
    expect(await house.getBidOutcome('bid-0')).toMatchObject({ status: 'accepted' });
    expect(store.size.auctions).toBe(51);

    clock.advance(HOUR);
    await house.createAuction(lot(HOUR)); // a commit sweeps
    expect(store.size).toEqual({ auctions: 2, outcomes: 1 });
    expect(await house.getAuction(ended[0] as string)).toBeNull();
    expect(await house.getLedger(ended[0] as string)).toEqual([]);
    expect(await house.getBidOutcome('bid-0')).toBeNull();
    expect(await house.getBidOutcome('orphan')).toBeNull();
    expect(await house.getBidOutcome('live-bid')).toMatchObject({ status: 'accepted' });
    expect((await house.listAuctions({ limit: 500 })).items.map((a) => a.id)).not.toContain(ended[0]);
    // A late bid on a forgotten auction is told it does not exist.
    expect(await house.placeBid({ auctionId: ended[0] as string, bidderId: 'late', amount: 900 })).toMatchObject({
      status: 'rejected',
      code: 'AUCTION_NOT_FOUND',
    });
  });

  it('keeps everything with retainClosedMs: Infinity, and refuses a negative retention', async () => {
    const clock = createFakeClock();
    const store = new MemoryAuctionStore({ clock, retainClosedMs: Number.POSITIVE_INFINITY });
    house = createAuctionHouse({ backend: createMemoryBackend({ store, clock }), clock });
    await house.start();
    const auction = await house.createAuction({
      sellerId: 's',
      title: 'Lot',
      currency: 'USD',
      startingPrice: 100,
      endsAt: clock.now() + 1_000,
    });
    clock.advance(2_000);
    await eventually(async () => (await house.getAuction(auction.id))?.status === 'closed');
    clock.advance(100 * HOUR);
    await house.createAuction({
      sellerId: 's',
      title: 'Lot',
      currency: 'USD',
      startingPrice: 100,
      endsAt: clock.now() + HOUR,
    });
    expect((await house.getAuction(auction.id))?.status).toBe('closed');
    expect(() => new MemoryAuctionStore({ retainClosedMs: -1 })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });
});
