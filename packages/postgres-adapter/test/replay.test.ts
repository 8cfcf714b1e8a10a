import { type AuctionHouse, createAuctionHouse, MAX_AMOUNT } from '@outcry/core';
import { createFakeClock, eventually } from '@outcry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayAuction } from '../src/index.js';
import { migratedAdapters, noDatabase } from './support/database.js';

describe.skipIf(noDatabase)('replayAuction on the PostgreSQL ledger', () => {
  let adapters: Awaited<ReturnType<typeof migratedAdapters>>;
  let house: AuctionHouse;
  const clock = createFakeClock(Date.now());
  beforeAll(async () => {
    adapters = await migratedAdapters({ partitions: 4 });
    house = createAuctionHouse({ backend: adapters, clock });
    await house.start();
  });
  afterAll(async () => {
    await house.stop();
    await adapters.dispose();
  });

  it('rebuilds bid, soft-close, close, cancel and buy-now histories equal to the stored states', async () => {
    const now = clock.now();
    const hot = await house.createAuction({
      sellerId: 'seller',
      title: 'Hot lot',
      currency: 'USD',
      startingPrice: 1_000,
      reservePrice: 5_000,
      increment: { type: 'table' },
      startsAt: now,
      endsAt: now + 60_000,
      softClose: { windowMs: 10_000, extendMs: 15_000, mode: 'add', maxExtensions: 3 },
      metadata: { colour: 'sunburst', tags: ['vintage', 'guitar'] },
    });
    const huge = MAX_AMOUNT; // the largest amount survives the bigint columns
    const bids = [
      { bidderId: 'b1', amount: 1_500 },
      { bidderId: 'b2', amount: 3_000 },
      { bidderId: 'b1', amount: 2_000 }, // too low
      { bidderId: 'b3', amount: 6_000 },
      { bidderId: 'b2', amount: huge },
    ];
    for (const bid of bids) await house.placeBid({ auctionId: hot.id, ...bid });
    clock.advance(55_000); // inside the soft-close window
    const late = await house.placeBid({ auctionId: hot.id, bidderId: 'b4', amount: 10_000 });
    expect(late.status).toBe('accepted');
    clock.advance(30_000); // past the extended end: the house closes it
    const closed = await eventually(
      async () => {
        const states = await adapters.store.getMany([hot.id]);
        return states[0]?.status === 'closed' && states;
      },
      10_000,
      'the close',
    );

    const cancelled = await house.createAuction({
      sellerId: 'seller',
      title: 'Withdrawn',
      currency: 'EUR',
      startingPrice: 500,
      startsAt: clock.now(),
      endsAt: clock.now() + 60_000,
    });
    await house.placeBid({ auctionId: cancelled.id, bidderId: 'b1', amount: 600 });
    await house.cancelAuction(cancelled.id, { by: 'seller', reason: 'damaged' });

    const bought = await house.createAuction({
      sellerId: 'seller',
      title: 'Buy me',
      currency: 'USD',
      startingPrice: 500,
      buyNowPrice: 9_000,
      startsAt: clock.now(),
      endsAt: clock.now() + 60_000,
    });
    expect((await house.buyNow({ auctionId: bought.id, bidderId: 'b5' })).status).toBe('accepted');

    const stored = await adapters.store.getMany([hot.id, cancelled.id, bought.id]);
    expect(closed[0]?.extensions).toBe(1);
    expect(stored[0]?.leaderMax).toBe(huge);
    for (const state of stored) {
      expect(state).not.toBeNull();
      const replayed = await replayAuction(adapters.store, state?.spec.id ?? '');
      expect(replayed).toEqual(state);
    }
    const ledger = await adapters.store.getLedger(hot.id, { afterSeq: 0, limit: 100 });
    expect(ledger.map((e) => e.seq)).toEqual(Array.from({ length: stored[0]?.seq ?? 0 }, (_, i) => i + 1));
    expect(ledger.find((e) => e.command.type === 'bid' && e.command.amount === huge)).toBeDefined();
    expect(await replayAuction(adapters.store, 'no-such-auction')).toBeNull();
  });
});
