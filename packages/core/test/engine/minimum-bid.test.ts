import { describe, expect, it } from 'vitest';
import { computeMinimumBid, toPublicAuction } from '../../src/engine/index.js';
import { AuctionStory } from './auction-story.js';

// Starting price $10.00, fixed increment $1.00 (see auction-story.ts).
describe('minimum bid', () => {
  it('with no bid, the minimum is the starting price, and a bid of exactly that is accepted', () => {
    const story = new AuctionStory();
    expect(computeMinimumBid(story.state)).toBe(1_000);
    expect(toPublicAuction(story.state).minimumBid).toBe(1_000);
    const low = story.refuse('alice', 999);
    expect(low).toMatchObject({ code: 'BID_TOO_LOW', message: 'The minimum bid is 1000.', minimumBid: 1_000 });
    expect(story.accept('alice', 1_000)).toMatchObject({ price: 1_000, leaderId: 'alice', minimumBid: 1_100 });
  });

  it('after a bid, the minimum is price + increment(price)', () => {
    const story = new AuctionStory();
    story.accept('alice', 3_000); // price $10, alice leads
    expect(story.refuse('bob', 1_099)).toMatchObject({
      code: 'BID_TOO_LOW',
      message: 'The minimum bid is 1100.',
      minimumBid: 1_100,
    });
    story.accept('bob', 1_100); // price min(3000, 1100 + 100) = 1200
    expect(story.shown).toEqual({ price: 1_200, leaderId: 'alice' });
    expect(story.refuse('bob', 1_200)).toMatchObject({ code: 'BID_TOO_LOW', minimumBid: 1_300 });
  });

  it('the leader may raise its own max to any amount above it, even below the public minimum', () => {
    const story = new AuctionStory();
    story.accept('alice', 1_000);
    story.accept('bob', 1_100); // bob leads at min(1100, 1000 + 100) = 1100
    expect(story.shown).toEqual({ price: 1_100, leaderId: 'bob' });
    // bob's own max is 1100; the public minimum is 1200; bob may still raise to 1101.
    expect(story.accept('bob', 1_101)).toMatchObject({ price: 1_100, leading: true });
  });

  it('a leader bidding at or below its own max gets BID_TOO_LOW with minimumBid = own max + 1', () => {
    const story = new AuctionStory();
    story.accept('alice', 5_000);
    for (const amount of [5_000, 4_000, 1_000]) {
      expect(story.refuse('alice', amount)).toMatchObject({
        code: 'BID_TOO_LOW',
        message: 'You already lead with a higher or equal maximum; raise it above 5000.',
        minimumBid: 5_001,
      });
    }
    expect(story.state.seq).toBe(2); // rejections change nothing
  });

  it('an amount that is not a positive safe integer is INVALID_BID, without minimumBid', () => {
    const story = new AuctionStory();
    for (const amount of [0, -1, 10.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 1]) {
      const outcome = story.refuse('alice', amount);
      expect(outcome).toEqual({
        status: 'rejected',
        bidId: outcome.bidId,
        auctionId: 'a1',
        code: 'INVALID_BID',
        message: 'A bid is a positive integer amount of minor units.',
      });
    }
  });

  it('the seller cannot bid: SELLER_CANNOT_BID', () => {
    const story = new AuctionStory();
    expect(story.refuse('seller', 2_000)).toMatchObject({
      code: 'SELLER_CANNOT_BID',
      message: 'The seller cannot bid on its own auction.',
    });
    expect(story.last.events).toEqual([
      {
        type: 'bid.rejected',
        auctionId: 'a1',
        seq: 1,
        at: story.state.updatedAt + 1_000,
        bidId: 'bid-1',
        bidderId: 'seller',
        code: 'SELLER_CANNOT_BID',
      },
    ]);
  });
});
