import { describe, expect, it } from 'vitest';
import { isBuyNowAvailable, toPublicAuction } from '../../src/engine/index.js';
import { AuctionStory, END, T0 } from './auction-story.js';

// Starting price $10, buy-now $200, fixed increment $1.
const withBuyNow = { startingPrice: 1_000, buyNowPrice: 20_000 };
const UNAVAILABLE = { code: 'BUY_NOW_UNAVAILABLE', message: 'Buy-now is not available on this auction any more.' };

describe('buy now', () => {
  it('story: before any bid, buying closes the auction at the buy-now price', () => {
    const story = new AuctionStory(withBuyNow);
    expect(toPublicAuction(story.state).buyNowAvailable).toBe(true);
    expect(story.buyNow('alice')).toMatchObject({
      status: 'accepted',
      price: 20_000,
      leaderId: 'alice',
      leading: true,
      minimumBid: null,
    });
    expect(story.state).toMatchObject({ status: 'closed', price: 20_000, leaderId: 'alice', bidCount: 1, seq: 2 });
    expect(story.state.result).toEqual({ outcome: 'bought-now', winnerId: 'alice', price: 20_000 });
    expect(story.last.events.map((e) => e.type)).toEqual(['bid.accepted', 'auction.closed']);
    expect(story.last.events[0]).toMatchObject({ buyNow: true, seq: 2 });
    // The auction is over: later bids and buys are AUCTION_ENDED.
    expect(story.refuse('bob', 30_000)).toMatchObject({ code: 'AUCTION_ENDED' });
    expect(story.buyNow('bob')).toMatchObject({ code: 'AUCTION_ENDED' });
  });

  it('without a reserve, the first bid ends buy-now', () => {
    const story = new AuctionStory(withBuyNow);
    story.accept('alice', 1_000);
    expect(isBuyNowAvailable(story.state)).toBe(false);
    expect(story.buyNow('bob')).toMatchObject(UNAVAILABLE);
  });

  it('with a reserve, buy-now stays until the reserve is met; the buyer outbids the leader', () => {
    const story = new AuctionStory({ ...withBuyNow, reservePrice: 10_000 });
    story.accept('alice', 5_000); // below the reserve
    expect(toPublicAuction(story.state).buyNowAvailable).toBe(true);
    expect(story.buyNow('bob')).toMatchObject({ status: 'accepted', price: 20_000 });
    expect(story.last.events).toContainEqual(
      expect.objectContaining({ type: 'bidder.outbid', bidderId: 'alice', price: 20_000, leaderId: 'bob' }),
    );
    expect(story.state.result).toEqual({ outcome: 'bought-now', winnerId: 'bob', price: 20_000 });
  });

  it('with a reserve, meeting it ends buy-now', () => {
    const story = new AuctionStory({ ...withBuyNow, reservePrice: 10_000 });
    story.accept('alice', 10_000);
    expect(story.buyNow('bob')).toMatchObject(UNAVAILABLE);
  });

  it('an auction without a buy-now price never offers it', () => {
    const story = new AuctionStory();
    expect(toPublicAuction(story.state).buyNowAvailable).toBe(false);
    expect(story.buyNow('bob')).toMatchObject(UNAVAILABLE);
  });

  it('the seller cannot buy; nobody can before the start or at the end', () => {
    expect(new AuctionStory(withBuyNow).buyNow('seller')).toMatchObject({
      code: 'SELLER_CANNOT_BID',
      message: 'The seller cannot buy its own auction.',
    });
    expect(new AuctionStory(withBuyNow, T0 - 10).buyNow('bob', T0 - 1)).toMatchObject({ code: 'AUCTION_NOT_OPEN' });
    expect(new AuctionStory(withBuyNow).buyNow('bob', END)).toMatchObject({ code: 'AUCTION_ENDED' });
    const cancelled = new AuctionStory(withBuyNow);
    cancelled.cancel();
    expect(cancelled.buyNow('bob')).toMatchObject({ code: 'AUCTION_CANCELLED' });
  });

  it('buying a scheduled auction whose start has passed opens and closes it in one change', () => {
    const story = new AuctionStory(withBuyNow, T0 - 10);
    expect(story.state.status).toBe('scheduled');
    story.buyNow('bob', T0);
    expect(story.last.events.map((e) => [e.type, e.seq])).toEqual([
      ['auction.opened', 2],
      ['bid.accepted', 2],
      ['auction.closed', 2],
    ]);
    expect(story.state.status).toBe('closed');
  });
});
