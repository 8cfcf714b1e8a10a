import { describe, expect, it } from 'vitest';
import { AuctionStory } from './auction-story.js';

// Amounts in cents; the default increment table ($1 from $25, i.e. 100 cents from 2,500).
const dollars = { startingPrice: 1_000, increment: { type: 'table' as const } };

describe('proxy bidding', () => {
  it('story: Alice max $50, Bob $30 -> Alice leads at $31; Carol $60 -> Carol leads at $51', () => {
    const story = new AuctionStory(dollars);

    // Alice is the first bidder: the price is the starting price, $10, whatever her max.
    expect(story.accept('alice', 5_000)).toMatchObject({
      price: 1_000,
      leaderId: 'alice',
      leading: true,
      minimumBid: 1_050,
    });

    // Bob bids up to $30. The engine bids for Alice up to one increment above Bob: $30 + $1.
    expect(story.accept('bob', 3_000)).toMatchObject({
      price: 3_100,
      leaderId: 'alice',
      leading: false,
      minimumBid: 3_200,
    });
    expect(story.last.events.map((e) => e.type)).toEqual(['bid.accepted']); // Alice still leads: nobody is outbid

    // Carol bids up to $60: she passes Alice's $50 by one increment, $51, not her whole max.
    expect(story.accept('carol', 6_000)).toMatchObject({ price: 5_100, leaderId: 'carol', leading: true });
    expect(story.last.events).toContainEqual(
      expect.objectContaining({ type: 'bidder.outbid', bidderId: 'alice', price: 5_100, leaderId: 'carol' }),
    );
    expect(story.state.leaderMax).toBe(6_000); // hidden; the public sees $51
    expect(story.state.bidCount).toBe(3);
  });

  it('the price is capped by the leader max: Alice $50, Bob $49.50 -> $50, not $50.50', () => {
    const story = new AuctionStory(dollars);
    story.accept('alice', 5_000);
    story.accept('bob', 4_950);
    expect(story.shown).toEqual({ price: 5_000, leaderId: 'alice' });
  });

  it('a challenger who beats the leader pays the old max plus the increment at that max, capped by its own max', () => {
    const story = new AuctionStory(dollars);
    story.accept('alice', 2_450); // increment at $24.50 is 50 cents
    story.accept('bob', 2_480); // beats Alice by 30 cents: min(2480, 2450 + 50) = 2480
    expect(story.shown).toEqual({ price: 2_480, leaderId: 'bob' });
    story.accept('carol', 9_000); // Bob's max $24.80 is under $25, so his increment is 50 cents: 2480 + 50
    expect(story.shown).toEqual({ price: 2_530, leaderId: 'carol' });
  });

  it('ties: at equal maxima the earlier bid leads and the price is that maximum', () => {
    const story = new AuctionStory(dollars);
    story.accept('alice', 4_000);
    expect(story.accept('bob', 4_000)).toMatchObject({ price: 4_000, leaderId: 'alice', leading: false });
    // Later, Bob comes back higher and leads; Alice matching Bob's new max does not win it back.
    story.accept('bob', 7_000);
    expect(story.shown).toEqual({ price: 4_100, leaderId: 'bob' });
    expect(story.accept('alice', 7_000)).toMatchObject({ price: 7_000, leaderId: 'bob', leading: false });
  });

  it('a leader raising its own max below the cap leaves the price alone: the runner-up still sets it', () => {
    const story = new AuctionStory({ startingPrice: 500, increment: { type: 'fixed', amount: 100 } });
    story.accept('a', 2_000); // price $5, the starting price
    story.accept('b', 1_000); // a leads at min(2000, 1000 + 100) = $11
    expect(story.shown).toEqual({ price: 1_100, leaderId: 'a' });
    const seq = story.state.seq;

    const raise = story.accept('a', 3_000);
    expect(raise).toMatchObject({ price: 1_100, leaderId: 'a', leading: true, minimumBid: 1_200 });
    expect(story.state.seq).toBe(seq + 1); // the hidden max changed: it is a change, in the ledger
    expect(story.state.leaderMax).toBe(3_000);
    expect(story.last.events.map((e) => e.type)).toEqual(['bid.accepted']); // nobody outbid, nothing extended

    // The raise protects a: b's next attempt is answered by proxy up to a's new max.
    story.accept('b', 2_500);
    expect(story.shown).toEqual({ price: 2_600, leaderId: 'a' });
  });

  it('story (a recorded eBay history): after a tie at $130.00, the leader raising to $132.50 lifts the price to $132.50', () => {
    const story = new AuctionStory({ startingPrice: 1_000, increment: { type: 'table' } }); // $2.50 from $100
    story.accept('leader', 13_000); // the first bid: the starting price
    expect(story.accept('challenger', 13_000)).toMatchObject({ price: 13_000, leaderId: 'leader', leading: false });

    // The old max capped the price at the tie; the raise reprices from the maxima: min(132.50, 130 + 2.50).
    expect(story.accept('leader', 13_250)).toMatchObject({ price: 13_250, leaderId: 'leader', minimumBid: 13_500 });
    expect(story.last.events.map((e) => e.type)).toEqual(['bid.accepted']);
    // A higher raise moves it no further: the runner-up's max plus its increment is the ceiling.
    expect(story.accept('leader', 20_000)).toMatchObject({ price: 13_250 });
  });

  it('story: after a near tie ($82.00 over $81.01 at a $1.00 increment), the leader raising to $85.07 lifts the price to $82.01', () => {
    const story = new AuctionStory({ startingPrice: 1_000, increment: { type: 'fixed', amount: 100 } });
    story.accept('leader', 8_200);
    expect(story.accept('runner-up', 8_101)).toMatchObject({ price: 8_200, leaderId: 'leader' }); // capped by the max
    expect(story.accept('leader', 8_507)).toMatchObject({ price: 8_201, leaderId: 'leader', minimumBid: 8_301 });
    expect(story.state).toMatchObject({ leaderMax: 8_507, runnerUpMax: 8_101 });
  });

  it('a lone bidder raising its own max keeps the starting price', () => {
    const story = new AuctionStory(dollars);
    story.accept('alice', 2_000);
    story.accept('alice', 9_000);
    expect(story.shown).toEqual({ price: 1_000, leaderId: 'alice' });
  });

  it('a bidder outbid earlier comes back: the runner-up is the best max of any other bidder', () => {
    const story = new AuctionStory({ startingPrice: 100, increment: { type: 'fixed', amount: 10 } });
    story.accept('a', 500); // a leads at 100
    story.accept('b', 800); // b leads at min(800, 500 + 10) = 510
    story.accept('a', 900); // a leads at min(900, 800 + 10) = 810
    expect(story.shown).toEqual({ price: 810, leaderId: 'a' });
    story.accept('c', 850); // a keeps the lead: min(900, 850 + 10) = 860
    expect(story.shown).toEqual({ price: 860, leaderId: 'a' });
  });
});
