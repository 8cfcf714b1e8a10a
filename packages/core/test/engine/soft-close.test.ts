import { describe, expect, it } from 'vitest';
import { AuctionStory, END, T0 } from './auction-story.js';

const SEC = 1_000;
const MIN = 60 * SEC;
// The stories run from T0 to END (one minute); soft close windows are in seconds.

describe('soft close (anti-sniping)', () => {
  it("story, mode 'reset': a bid in the last 10 s moves the end to receivedAt + 15 s", () => {
    const story = new AuctionStory({ softClose: { windowMs: 10 * SEC, extendMs: 15 * SEC } });
    story.accept('alice', 2_000, END - 30 * SEC); // outside the window: nothing moves
    expect(story.state.endsAt).toBe(END);

    const snipe = story.accept('bob', 3_000, END - 2 * SEC); // inside: bob takes the lead
    expect(snipe.endsAt).toBe(END + 13 * SEC);
    expect(story.state).toMatchObject({ endsAt: END + 13 * SEC, extensions: 1 });
    expect(story.last.events).toContainEqual({
      type: 'auction.extended',
      auctionId: 'a1',
      seq: story.state.seq,
      at: END - 2 * SEC,
      endsAt: END + 13 * SEC,
      previousEndsAt: END,
      extensions: 1,
    });

    // The original end has passed but the auction runs on: a close there is not due yet.
    expect(story.close(END)).toEqual({ status: 'not-due', auctionId: 'a1', dueAt: END + 13 * SEC });
    story.accept('alice', 4_000, END + 5 * SEC); // inside the new window: reset again to +15 s
    expect(story.state.endsAt).toBe(END + 20 * SEC);
    // At the (extended) end, a bid is too late even though nothing has swept the auction closed.
    expect(story.refuse('bob', 9_000, END + 20 * SEC)).toMatchObject({
      code: 'AUCTION_ENDED',
      message: 'Auction a1 has ended.',
    });
    story.close(END + 20 * SEC);
    expect(story.state.result).toEqual({ outcome: 'sold', winnerId: 'alice', price: 3_100 });
  });

  it('the window is inclusive: a bid exactly windowMs before the end extends; one ms earlier does not', () => {
    const early = new AuctionStory({ softClose: { windowMs: 10 * SEC, extendMs: 15 * SEC } });
    early.accept('alice', 2_000, END - 10 * SEC - 1);
    expect(early.state.endsAt).toBe(END);
    const edge = new AuctionStory({ softClose: { windowMs: 10 * SEC, extendMs: 15 * SEC } });
    edge.accept('alice', 2_000, END - 10 * SEC);
    expect(edge.state.endsAt).toBe(END + 5 * SEC);
    // The last instant before the end still counts; the end itself does not.
    const last = new AuctionStory({ softClose: { windowMs: 10 * SEC, extendMs: 15 * SEC } });
    last.accept('alice', 2_000, END - 1);
    expect(last.state.endsAt).toBe(END - 1 + 15 * SEC);
  });

  it("'reset' never moves the end earlier: a short extendMs inside a long window changes nothing", () => {
    const story = new AuctionStory({ softClose: { windowMs: 30 * SEC, extendMs: 5 * SEC } });
    story.accept('alice', 2_000, END - 20 * SEC); // receivedAt + 5 s is before the end
    expect(story.state).toMatchObject({ endsAt: END, extensions: 0 });
    expect(story.last.events.map((e) => e.type)).toEqual(['bid.accepted']);
  });

  it("story, mode 'add': each sniping bid adds extendMs to the current end", () => {
    const story = new AuctionStory({ softClose: { windowMs: 10 * SEC, extendMs: 15 * SEC, mode: 'add' } });
    story.accept('alice', 2_000, END - 1 * SEC);
    expect(story.state.endsAt).toBe(END + 15 * SEC);
    story.accept('bob', 3_000, END + 10 * SEC); // 5 s left: +15 s from the current end
    expect(story.state).toMatchObject({ endsAt: END + 30 * SEC, extensions: 2 });
  });

  it('maxEndsAt caps the end; at the cap, bids extend nothing', () => {
    const story = new AuctionStory({
      softClose: { windowMs: 10 * SEC, extendMs: 15 * SEC, maxEndsAt: END + 20 * SEC },
    });
    story.accept('alice', 2_000, END - 1 * SEC); // to END + 14 s
    story.accept('bob', 3_000, END + 12 * SEC); // would be END + 27 s: capped at END + 20 s
    expect(story.state).toMatchObject({ endsAt: END + 20 * SEC, extensions: 2 });
    story.accept('alice', 4_000, END + 19 * SEC); // already at the cap
    expect(story.state).toMatchObject({ endsAt: END + 20 * SEC, extensions: 2 });
    expect(story.refuse('bob', 9_000, END + 20 * SEC)).toMatchObject({ code: 'AUCTION_ENDED' });
  });

  it('maxExtensions caps the number of extensions', () => {
    const story = new AuctionStory({
      softClose: { windowMs: 10 * SEC, extendMs: 15 * SEC, mode: 'add', maxExtensions: 1 },
    });
    story.accept('alice', 2_000, END - 1 * SEC);
    expect(story.state).toMatchObject({ endsAt: END + 15 * SEC, extensions: 1 });
    story.accept('bob', 3_000, END + 14 * SEC);
    expect(story.state).toMatchObject({ endsAt: END + 15 * SEC, extensions: 1 });
  });

  it('only a change of price or leader extends: a leader raising its hidden max in the window does not', () => {
    const story = new AuctionStory({ softClose: { windowMs: 10 * SEC, extendMs: 15 * SEC } });
    story.accept('alice', 2_000, T0 + MIN / 2);
    story.accept('alice', 5_000, END - 1 * SEC);
    expect(story.state).toMatchObject({ endsAt: END, extensions: 0 });
    // A losing challenger still raises the price: that extends.
    story.accept('bob', 3_000, END - 1 * SEC);
    expect(story.shown).toEqual({ price: 3_100, leaderId: 'alice' });
    expect(story.state.endsAt).toBe(END + 14 * SEC);
    // Alice raises again, below the cap: the price stays at $31, and the end stays too.
    story.accept('alice', 9_000, END + 10 * SEC);
    expect(story.shown).toEqual({ price: 3_100, leaderId: 'alice' });
    expect(story.state).toMatchObject({ endsAt: END + 14 * SEC, extensions: 1 });
    expect(story.last.events.map((e) => e.type)).toEqual(['bid.accepted']);
  });

  it('a leader raise that lifts a capped price is a price change: it extends like one', () => {
    const story = new AuctionStory({ softClose: { windowMs: 10 * SEC, extendMs: 15 * SEC } });
    story.accept('alice', 3_000, T0 + MIN / 2);
    story.accept('bob', 3_000, T0 + MIN / 2); // a tie: alice leads at her max, $30
    expect(story.shown).toEqual({ price: 3_000, leaderId: 'alice' });
    const raise = story.accept('alice', 5_000, END - 2 * SEC); // min(5000, 3000 + 100)
    expect(raise).toMatchObject({ price: 3_100, leaderId: 'alice', endsAt: END + 13 * SEC });
    expect(story.state).toMatchObject({ endsAt: END + 13 * SEC, extensions: 1 });
    expect(story.last.events.map((e) => e.type)).toEqual(['bid.accepted', 'auction.extended']);
  });

  it('without soft close, a bid in the last millisecond moves nothing', () => {
    const story = new AuctionStory();
    story.accept('alice', 2_000, END - 1);
    expect(story.state).toMatchObject({ endsAt: END, extensions: 0 });
  });
});
