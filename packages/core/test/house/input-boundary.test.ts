import { type AuctionHouse, createAuctionHouse, MAX_AMOUNT, OutcryError } from '@outcry/core';
import { createFakeClock } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';

let house: AuctionHouse;
const clock = createFakeClock();

async function open(): Promise<AuctionHouse> {
  house = createAuctionHouse({ clock });
  await house.start();
  return house;
}

afterEach(async () => {
  await house?.stop();
});

async function rejection(promise: Promise<unknown>): Promise<OutcryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OutcryError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

const lot = (overrides: Record<string, unknown> = {}) => ({
  sellerId: 'seller',
  title: 'Lot',
  currency: 'USD',
  startingPrice: 1,
  endsAt: clock.now() + 60_000,
  ...overrides,
});

describe('input the stores would refuse is refused at the boundary', () => {
  it('refuses metadata of 3,000 nested arrays with INVALID_INPUT, not a stack overflow', async () => {
    await open();
    const nested = JSON.parse(`${'['.repeat(3_000)}${']'.repeat(3_000)}`);
    const error = await rejection(house.createAuction(lot({ metadata: { nested } }) as never));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.details).toEqual([
      { path: `metadata.nested${'.0'.repeat(15)}`, message: 'must not nest objects and arrays more than 16 deep' },
    ]);
  });

  it('refuses NUL and lone surrogates in titles, metadata and cancel reasons, naming the field', async () => {
    await open();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: 'a\u0000b' }, 'title'],
      [{ title: 'a\ud800b' }, 'title'],
      [{ metadata: { note: 'x\u0000' } }, 'metadata.note'],
      [{ metadata: { list: [{ 'k\udc00': 1 }] } }, 'metadata.list.0.k\udc00'],
      [{ sellerId: 'bob\u0000' }, 'sellerId'],
    ];
    for (const [overrides, path] of cases) {
      const error = await rejection(house.createAuction(lot(overrides) as never));
      expect(error.code).toBe('INVALID_INPUT');
      expect((error.details as Array<{ path: string }>).map((issue) => issue.path)).toEqual([path]);
    }
    const auction = await house.createAuction(lot());
    for (const reason of ['\u0000', 'x\ud800']) {
      const error = await rejection(house.cancelAuction(auction.id, { by: 'seller', reason }));
      expect(error.code).toBe('INVALID_INPUT');
      expect((error.details as Array<{ path: string }>).map((issue) => issue.path)).toEqual(['reason']);
    }
    const bid = await house.placeBid({ auctionId: auction.id, bidderId: 'x\u0000', amount: 5, bidId: '\ud800' });
    expect(bid).toMatchObject({ status: 'rejected', code: 'INVALID_BID' });
    expect((bid as { details: Array<{ path: string }> }).details.map((issue) => issue.path)).toEqual([
      'bidderId',
      'bidId',
    ]);
  });

  it('answers reads of ids no auction or bid can have as not found, and refuses such a cancel', async () => {
    await open();
    for (const id of ['a\u0000b', 'x\ud800', '', 'has space']) {
      expect(await house.getAuction(id)).toBeNull();
      expect(await house.getBids(id)).toEqual({ items: [] });
      expect(await house.getLedger(id)).toEqual([]);
      const error = await rejection(house.cancelAuction(id, { by: 'seller' }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.details).toEqual([{ path: 'auctionId', message: expect.any(String) }]);
    }
    expect(await house.getBidOutcome('\u0000')).toBeNull();
  });

  it('refuses crafted list cursors with INVALID_INPUT naming the cursor', async () => {
    await open();
    for (const crafted of ['[1,"a\\u0000b"]', '[1.5,"x"]', '[1e308,"x"]']) {
      const error = await rejection(house.listAuctions({ cursor: Buffer.from(crafted).toString('base64url') }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.details).toEqual([{ path: 'cursor', message: 'is not one this server gave out' }]);
    }
  });
});

describe('amounts near the limit', () => {
  it('keeps every figure a safe integer when two bidders bid MAX_AMOUNT', async () => {
    await open();
    const auction = await house.createAuction(lot({ buyNowPrice: MAX_AMOUNT }));
    const first = await house.placeBid({ auctionId: auction.id, bidderId: 'ann', amount: MAX_AMOUNT });
    const second = await house.placeBid({ auctionId: auction.id, bidderId: 'ben', amount: MAX_AMOUNT });
    expect(first).toMatchObject({ status: 'accepted', price: 1, leaderId: 'ann' });
    // A tie: the earlier bid leads, at that maximum.
    expect(second).toMatchObject({
      status: 'accepted',
      price: MAX_AMOUNT,
      leaderId: 'ann',
      minimumBid: MAX_AMOUNT + 10_000,
    });
    const third = await house.placeBid({ auctionId: auction.id, bidderId: 'cat', amount: MAX_AMOUNT });
    expect(third).toMatchObject({ status: 'rejected', code: 'BID_TOO_LOW', minimumBid: MAX_AMOUNT + 10_000 });
    const view = await house.getAuction(auction.id);
    expect(view?.price).toBe(MAX_AMOUNT);
    expect(Number.isSafeInteger(view?.minimumBid)).toBe(true);
    expect(view?.minimumBid).toBe(MAX_AMOUNT + 10_000);
    const stats = await house.getStats(auction.id);
    expect(stats).toMatchObject({ price: MAX_AMOUNT, priceIncrease: MAX_AMOUNT - 1 });
    expect(stats?.priceIncreasePct).toBe(99_999_999_999_999_900);
    expect(Number.isFinite(stats?.priceIncreasePct)).toBe(true);
  });

  it('refuses bids, prices and increments over MAX_AMOUNT with a clear error', async () => {
    await open();
    const auction = await house.createAuction(lot());
    for (const amount of [MAX_AMOUNT + 1, Number.MAX_SAFE_INTEGER]) {
      const outcome = await house.placeBid({ auctionId: auction.id, bidderId: 'ann', amount });
      expect(outcome).toMatchObject({
        status: 'rejected',
        code: 'INVALID_BID',
        message: 'Invalid bid: amount must be at most 1000000000000000 minor units (10^15)',
      });
    }
    for (const overrides of [
      { startingPrice: MAX_AMOUNT + 1 },
      { reservePrice: Number.MAX_SAFE_INTEGER },
      { buyNowPrice: MAX_AMOUNT + 1 },
      { increment: { type: 'fixed', amount: MAX_AMOUNT + 1 } },
    ]) {
      const error = await rejection(house.createAuction(lot(overrides) as never));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toMatch(/must be at most 1000000000000000 minor units/);
    }
  });
});
