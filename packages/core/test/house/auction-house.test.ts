import {
  type AuctionEvent,
  type AuctionHouse,
  type CreateAuctionInput,
  createAuctionHouse,
  OutcryError,
} from '@outcry/core';
import { createFakeClock, eventually, type FakeClock } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';

let house: AuctionHouse;
let clock: FakeClock;

async function open(options: Parameters<typeof createAuctionHouse>[0] = {}): Promise<AuctionHouse> {
  clock = createFakeClock();
  house = createAuctionHouse({ clock, ...options });
  await house.start();
  return house;
}

afterEach(async () => {
  await house?.stop();
});

function guitar(overrides: Partial<CreateAuctionInput> = {}): CreateAuctionInput {
  return {
    sellerId: 'alice',
    title: 'Guitar',
    currency: 'USD',
    startingPrice: 1_000,
    endsAt: clock.now() + 60_000,
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<OutcryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutcryError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('createAuction', () => {
  it('validates input with a stable code and the zod details', async () => {
    await open();
    const error = await rejection(house.createAuction({ ...guitar(), startingPrice: 10.5 }));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details).toEqual([expect.objectContaining({ path: 'startingPrice' })]);
    expect((await rejection(house.createAuction(guitar({ endsAt: clock.now() - 1 })))).code).toBe('INVALID_INPUT');
    expect((await rejection(house.createAuction(null as never))).code).toBe('INVALID_INPUT');
  });

  it('refuses a second auction with the same id, but takes the very same create twice as one', async () => {
    await open();
    const first = await house.createAuction(guitar({ id: 'lot-1' }));
    expect(await house.createAuction(guitar({ id: 'lot-1' }))).toEqual(first); // the same request, delivered twice
    clock.advance(1);
    expect((await rejection(house.createAuction(guitar({ id: 'lot-1' })))).code).toBe('AUCTION_EXISTS');
  });

  it('shows only the public view: no reserve amount, no maxima', async () => {
    await open();
    const a = await house.createAuction(guitar({ reservePrice: 5_000 }));
    await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 9_000 });
    const view = await house.getAuction(a.id);
    expect(view).toMatchObject({ hasReserve: true, reserveMet: true, price: 5_000, leaderId: 'bob' });
    expect(JSON.stringify(view)).not.toContain('9000');
  });
});

describe('placeBid', () => {
  it('answers invalid input with INVALID_BID and details, never a throw', async () => {
    await open();
    const a = await house.createAuction(guitar());
    for (const amount of [0, -5, 1.5, Number.MAX_SAFE_INTEGER + 2, '100', null]) {
      const r = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount } as never);
      expect(r).toMatchObject({ status: 'rejected', code: 'INVALID_BID' });
    }
    expect(await house.placeBid(undefined as never)).toMatchObject({ status: 'rejected', code: 'INVALID_BID' });
  });

  it('rejects bids on unknown auctions', async () => {
    await open();
    const r = await house.placeBid({ auctionId: 'nope', bidderId: 'bob', amount: 100 });
    expect(r).toMatchObject({ status: 'rejected', code: 'AUCTION_NOT_FOUND' });
  });

  it('returns the first outcome for a repeated bidId and DUPLICATE_BID for another body', async () => {
    await open();
    const a = await house.createAuction(guitar());
    const first = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_000, bidId: 'k1' });
    await house.placeBid({ auctionId: a.id, bidderId: 'carol', amount: 3_000 });
    const again = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_000, bidId: 'k1' });
    expect(again).toEqual(first);
    const other = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_500, bidId: 'k1' });
    expect(other).toMatchObject({ status: 'rejected', code: 'DUPLICATE_BID' });
    const bids = await house.getBids(a.id);
    expect(bids.items.filter((b) => b.bidId === 'k1')).toHaveLength(1);
  });

  it('gives both concurrent callers of one bidId the same single outcome', async () => {
    await open();
    const a = await house.createAuction(guitar());
    const [x, y] = await Promise.all([
      house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_000, bidId: 'same' }),
      house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_000, bidId: 'same' }),
    ]);
    expect(x).toEqual(y);
    expect((await house.getAuction(a.id))?.bidCount).toBe(1);
  });

  it('rejects a bid received at the end even before the auction is swept closed', async () => {
    await open();
    const a = await house.createAuction(guitar());
    clock.set(a.endsAt);
    const r = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 5_000 });
    expect(r).toMatchObject({ status: 'rejected', code: 'AUCTION_ENDED' });
  });

  it('takes a bid without waiting and tells its outcome later', async () => {
    await open();
    const a = await house.createAuction(guitar());
    const { bidId } = await house.submitBid({ auctionId: a.id, bidderId: 'bob', amount: 1_500 });
    const outcome = await eventually(async () => (await house.getBidOutcome(bidId)) ?? undefined);
    expect(outcome).toMatchObject({ status: 'accepted', leaderId: 'bob', price: 1_000 });
    expect(await house.getBidOutcome('unknown')).toBeNull();
  });
});

describe('scheduling', () => {
  it('opens and closes on time without any request, judged by the clock', async () => {
    await open();
    const seen: string[] = [];
    house.on('auction.opened', (e) => seen.push(`opened:${e.auctionId}`));
    house.on('auction.closed', (e) => seen.push(`closed:${e.auctionId}:${e.result.outcome}`));
    const a = await house.createAuction(guitar({ startsAt: clock.now() + 5_000, endsAt: clock.now() + 10_000 }));
    expect(a.status).toBe('scheduled');
    expect(await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_000 })).toMatchObject({
      code: 'AUCTION_NOT_OPEN',
    });
    clock.advance(5_000);
    await eventually(() => seen.includes(`opened:${a.id}`), 1_000);
    expect((await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_000 })).status).toBe('accepted');
    clock.advance(5_000);
    await eventually(() => seen.includes(`closed:${a.id}:sold`), 1_000);
    expect((await house.getAuction(a.id))?.result).toEqual({ outcome: 'sold', winnerId: 'bob', price: 1_000 });
  });

  it('extends on a late bid and closes only at the extended end', async () => {
    await open();
    const a = await house.createAuction(guitar({ softClose: { windowMs: 10_000, extendMs: 10_000 } }));
    const extended: AuctionEvent[] = [];
    house.on('auction.extended', (e) => extended.push(e));
    clock.set(a.endsAt - 1_000);
    const r = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_000 });
    expect(r).toMatchObject({ status: 'accepted', endsAt: a.endsAt - 1_000 + 10_000 });
    expect(extended).toHaveLength(1);
    clock.set(a.endsAt + 1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await house.getAuction(a.id))?.status).toBe('open');
    clock.set(a.endsAt + 9_000);
    await eventually(async () => (await house.getAuction(a.id))?.status === 'closed', 1_000);
  });

  it('keeps 20,000 waiting auctions in one structure', async () => {
    await open();
    const ids: string[] = [];
    for (let i = 0; i < 20_000; i++) ids.push(`w${i}`);
    await Promise.all(ids.map((id, i) => house.createAuction(guitar({ id, endsAt: clock.now() + 1_000 + i }))));
    expect(house.metrics().scheduler.deadlines).toBe(20_000);
    clock.advance(30_000);
    await eventually(async () => {
      const page = await house.listAuctions({ status: 'closed', limit: 500 });
      return page.items.length === 500 && house.metrics().scheduler.deadlines === 0;
    }, 10_000);
    const [first, last] = await house.getAuctions(['w0', 'w19999']);
    expect(first?.result?.outcome).toBe('unsold');
    expect(last?.result?.outcome).toBe('unsold');
  });
});

describe('buy-now and cancel', () => {
  it('buys now and closes at the buy-now price', async () => {
    await open();
    const a = await house.createAuction(guitar({ buyNowPrice: 9_000 }));
    const r = await house.buyNow({ auctionId: a.id, bidderId: 'dave' });
    expect(r).toMatchObject({ status: 'accepted', price: 9_000, leaderId: 'dave' });
    expect((await house.getAuction(a.id))?.result).toEqual({ outcome: 'bought-now', winnerId: 'dave', price: 9_000 });
    expect(await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 20_000 })).toMatchObject({
      code: 'AUCTION_ENDED',
    });
  });

  it('cancels, and then refuses bids and a second cancel', async () => {
    await open();
    const a = await house.createAuction(guitar());
    const cancelled = await house.cancelAuction(a.id, { by: 'alice', reason: 'damaged' });
    expect(cancelled.result).toEqual({ outcome: 'cancelled', winnerId: null, price: null });
    expect(await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_000 })).toMatchObject({
      code: 'AUCTION_CANCELLED',
    });
    expect((await rejection(house.cancelAuction(a.id, { by: 'alice' }))).code).toBe('AUCTION_CANCELLED');
    expect((await rejection(house.cancelAuction('missing', { by: 'alice' }))).code).toBe('AUCTION_NOT_FOUND');
  });
});

describe('reads', () => {
  it('lists newest first with keyset cursors and a status filter', async () => {
    await open();
    for (let i = 0; i < 25; i++) {
      await house.createAuction(guitar({ id: `l${String(i).padStart(2, '0')}` }));
      clock.advance(1);
    }
    await house.cancelAuction('l03', { by: 'alice' });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await house.listAuctions({ limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((a) => a.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `l${String(24 - i).padStart(2, '0')}`));
    const cancelled = await house.listAuctions({ status: 'cancelled' });
    expect(cancelled.items.map((a) => a.id)).toEqual(['l03']);
    expect((await rejection(house.listAuctions({ cursor: 'garbage' }))).code).toBe('INVALID_INPUT');
    expect((await rejection(house.listAuctions({ limit: 0 }))).code).toBe('INVALID_INPUT');
  });

  it('gives the bid history, stats, and counts cache hits', async () => {
    await open();
    const a = await house.createAuction(guitar({ softClose: { windowMs: 120_000, extendMs: 1_000, mode: 'add' } }));
    await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 1_500 });
    await house.placeBid({ auctionId: a.id, bidderId: 'carol', amount: 3_000 });
    await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_000 });
    const history = await house.getBids(a.id);
    expect(history.items.map((b) => [b.bidderId, b.price, b.leaderId])).toEqual([
      ['bob', 1_000, 'bob'],
      ['carol', 1_550, 'carol'],
      ['bob', 2_050, 'carol'],
    ]);
    expect((await house.getBids(a.id, { afterSeq: history.items[0]?.seq ?? 0, limit: 1 })).items).toHaveLength(1);
    const stats = await house.getStats(a.id);
    expect(stats).toMatchObject({
      bidCount: 3,
      uniqueBidders: 2,
      startingPrice: 1_000,
      price: 2_050,
      priceIncrease: 1_050,
      priceIncreasePct: 105,
      extensions: 3,
    });
    expect(stats?.timeLeftMs).toBe(a.endsAt + 3_000 - clock.now());
    expect(await house.getStats('missing')).toBeNull();
    const before = house.metrics().cache;
    await house.getAuction(a.id);
    await house.clearCache();
    await house.getAuction(a.id);
    const after = house.metrics().cache;
    expect(after.hits).toBe(before.hits + 1);
    expect(after.misses).toBe(before.misses + 1);
  });

  it("delivers one auction's events to its subscribers in seq order", async () => {
    await open();
    const a = await house.createAuction(guitar());
    const seqs: number[] = [];
    const off = house.subscribe(a.id, (e) => seqs.push(e.seq));
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        house.placeBid({ auctionId: a.id, bidderId: `b${i % 5}`, amount: 1_000 + i * 100 }),
      ),
    );
    off();
    await house.placeBid({ auctionId: a.id, bidderId: 'z', amount: 100_000 });
    expect(seqs.length).toBeGreaterThanOrEqual(50);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(Math.max(...seqs)).toBe(51);
  });
});

describe('stop', () => {
  it('answers every command already taken in, then refuses new ones', async () => {
    await open();
    const a = await house.createAuction(guitar());
    const pending = Array.from({ length: 2_000 }, (_, i) =>
      house.placeBid({ auctionId: a.id, bidderId: `b${i % 3}`, amount: 1_000 + i * 60 }),
    );
    await house.stop();
    const outcomes = await Promise.all(pending);
    expect(outcomes.every((o) => o.status === 'accepted' || o.status === 'rejected')).toBe(true);
    await expect(house.placeBid({ auctionId: a.id, bidderId: 'late', amount: 10_000_000 })).rejects.toMatchObject({
      code: 'SHUTTING_DOWN',
    });
  });
});

describe('options', () => {
  it('refuses a staleEntryMs that is not a whole number of milliseconds of at least 1', () => {
    for (const staleEntryMs of [0, -5, 1.5, Number.NaN]) {
      expect(() => createAuctionHouse({ partitions: 1, staleEntryMs })).toThrow(/staleEntryMs must be an integer/);
    }
    expect(() => createAuctionHouse({ partitions: 1, staleEntryMs: 1 })).not.toThrow();
  });
});
