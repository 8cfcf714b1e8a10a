import { describe, expect, it } from 'vitest';
import { applyCommand, toPublicAuction } from '../../src/engine/index.js';
import { AuctionStory, END, T0 } from './auction-story.js';

describe('lifecycle: scheduled -> open -> closed | cancelled', () => {
  it('an auction created before startsAt is scheduled; bids before the start are AUCTION_NOT_OPEN', () => {
    const story = new AuctionStory({}, T0 - 5_000);
    expect(story.state).toMatchObject({ status: 'scheduled', seq: 1 });
    expect(story.refuse('alice', 1_000, T0 - 1)).toMatchObject({
      code: 'AUCTION_NOT_OPEN',
      message: `Auction a1 opens at ${new Date(T0).toISOString()}.`,
    });
    expect(story.open(T0 - 1)).toEqual({ status: 'not-due', auctionId: 'a1', dueAt: T0 });
    expect(story.open(T0)).toMatchObject({ status: 'accepted', auction: { status: 'open', seq: 2 } });
    expect(story.last.events).toEqual([{ type: 'auction.opened', auctionId: 'a1', seq: 2, at: T0, endsAt: END }]);
    // Opening an open auction again changes nothing.
    story.open(T0 + 1);
    expect(story.last).toMatchObject({ changed: false, events: [] });
  });

  it('a bid at startsAt on a scheduled auction opens it with the same change', () => {
    const story = new AuctionStory({}, T0 - 5_000);
    story.accept('alice', 1_000, T0);
    expect(story.state).toMatchObject({ status: 'open', seq: 2 });
    expect(story.last.events.map((e) => [e.type, e.seq])).toEqual([
      ['auction.opened', 2],
      ['bid.accepted', 2],
    ]);
  });

  it('an auction created at or after startsAt is open at once; a bid at the end instant is AUCTION_ENDED', () => {
    const story = new AuctionStory();
    expect(story.state.status).toBe('open');
    story.accept('alice', 1_000, END - 1);
    expect(story.refuse('bob', 5_000, END)).toMatchObject({ code: 'AUCTION_ENDED', message: 'Auction a1 has ended.' });
    expect(story.refuse('bob', 5_000, END + 1)).toMatchObject({ code: 'AUCTION_ENDED' });
  });

  it('closing: not due before the end; then sold, unsold; closing twice changes nothing', () => {
    const sold = new AuctionStory();
    sold.accept('alice', 3_000);
    sold.accept('bob', 2_000);
    expect(sold.close(END - 1)).toEqual({ status: 'not-due', auctionId: 'a1', dueAt: END });
    expect(sold.close(END)).toMatchObject({ status: 'accepted', auction: { status: 'closed', minimumBid: null } });
    expect(sold.state.result).toEqual({ outcome: 'sold', winnerId: 'alice', price: 2_100 });
    const seq = sold.state.seq;
    const again = applyCommand(sold.state, { type: 'close', auctionId: 'a1', receivedAt: END + 5 });
    expect(again).toMatchObject({ changed: false, events: [], outcome: { status: 'accepted' } });
    expect(again.state).toBe(sold.state);
    expect(sold.state.seq).toBe(seq);
    expect(sold.refuse('carol', 9_000, END + 5)).toMatchObject({ code: 'AUCTION_ENDED' });

    const unsold = new AuctionStory();
    unsold.close(END);
    expect(unsold.state.result).toEqual({ outcome: 'unsold', winnerId: null, price: null });
  });

  it('a scheduled auction past its end closes straight away', () => {
    const story = new AuctionStory({}, T0 - 5_000);
    story.close(END);
    expect(story.state).toMatchObject({ status: 'closed', seq: 2, result: { outcome: 'unsold' } });
  });

  it('cancel: the result is cancelled; later bids are AUCTION_CANCELLED; a second cancel is rejected', () => {
    const story = new AuctionStory();
    story.accept('alice', 3_000);
    expect(story.cancel(T0 + 2_000, 'admin', 'counterfeit')).toMatchObject({
      status: 'accepted',
      auction: { status: 'cancelled' },
    });
    expect(story.state.result).toEqual({ outcome: 'cancelled', winnerId: null, price: null });
    expect(story.last.events).toEqual([
      {
        type: 'auction.cancelled',
        auctionId: 'a1',
        seq: 3,
        at: T0 + 2_000,
        by: 'admin',
        reason: 'counterfeit',
        result: { outcome: 'cancelled', winnerId: null, price: null },
      },
    ]);
    expect(story.refuse('bob', 9_000, T0 + 3_000)).toMatchObject({
      code: 'AUCTION_CANCELLED',
      message: 'Auction a1 was cancelled.',
    });
    expect(story.cancel(T0 + 3_000)).toEqual({
      status: 'rejected',
      auctionId: 'a1',
      code: 'AUCTION_CANCELLED',
      message: 'Auction a1 was already cancelled.',
    });
    // Closing a cancelled auction changes nothing: its result is final.
    story.close(END);
    expect(story.last.changed).toBe(false);
    expect(story.state.result?.outcome).toBe('cancelled');
  });

  it('an auction cannot be cancelled at or after its end, nor once closed: AUCTION_ENDED', () => {
    const message = 'Auction a1 has ended and can no longer be cancelled.';
    const ended = new AuctionStory();
    expect(ended.cancel(END)).toEqual({ status: 'rejected', auctionId: 'a1', code: 'AUCTION_ENDED', message });
    ended.close(END);
    expect(ended.cancel(END + 1)).toMatchObject({ code: 'AUCTION_ENDED', message });
    expect(ended.state.result?.outcome).toBe('unsold');
  });

  it('a scheduled auction can be cancelled before it opens', () => {
    const story = new AuctionStory({}, T0 - 5_000);
    story.cancel(T0 - 1_000);
    expect(story.state.status).toBe('cancelled');
    expect(story.open(T0).status).toBe('accepted');
    expect(story.last.changed).toBe(false);
  });

  it('create twice is AUCTION_EXISTS; a command on no auction is AUCTION_NOT_FOUND', () => {
    const story = new AuctionStory();
    const redelivered = applyCommand(story.state, { type: 'create', spec: story.state.spec, receivedAt: T0 });
    expect(redelivered).toMatchObject({
      state: story.state,
      changed: false,
      events: [],
      outcome: { status: 'accepted' },
    });
    const other = { ...story.state.spec, title: 'Another lot' };
    const again = applyCommand(story.state, { type: 'create', spec: other, receivedAt: T0 });
    expect(again.outcome).toEqual({
      status: 'rejected',
      auctionId: 'a1',
      code: 'AUCTION_EXISTS',
      message: 'Auction a1 already exists.',
    });
    expect(again.state).toBe(story.state);

    const message = 'Auction nope does not exist.';
    const bid = applyCommand(null, {
      type: 'bid',
      auctionId: 'nope',
      bidId: 'x',
      bidderId: 'bob',
      amount: 100,
      receivedAt: T0,
    });
    expect(bid).toEqual({
      state: null,
      outcome: { status: 'rejected', bidId: 'x', auctionId: 'nope', code: 'AUCTION_NOT_FOUND', message },
      events: [],
      changed: false,
    });
    const close = applyCommand(null, { type: 'close', auctionId: 'nope', receivedAt: T0 });
    expect(close.outcome).toEqual({ status: 'rejected', auctionId: 'nope', code: 'AUCTION_NOT_FOUND', message });
  });

  it('the created event carries the public view, with no hidden field', () => {
    const story = new AuctionStory({ reservePrice: 5_000 });
    const view = toPublicAuction(story.state);
    expect(story.last.events).toEqual([{ type: 'auction.created', auctionId: 'a1', seq: 1, at: T0, auction: view }]);
    expect(view).not.toHaveProperty('leaderMax');
    expect(view).not.toHaveProperty('reservePrice');
  });
});
