import { describe, expect, it } from 'vitest';
import { toPublicAuction } from '../../src/engine/index.js';
import { AuctionStory, END } from './auction-story.js';

// Starting price $10, hidden reserve $100, fixed increment $1.
const withReserve = { startingPrice: 1_000, reservePrice: 10_000 };

describe('reserve price', () => {
  it('story: bids below the hidden reserve move the price normally; the reserve shows only as reserveMet', () => {
    const story = new AuctionStory({ ...withReserve, reservePrice: 9_876 });
    story.accept('alice', 5_000);
    story.accept('bob', 8_000); // bob leads at min(8000, 5000 + 100) = 5100
    const view = toPublicAuction(story.state);
    expect(view).toMatchObject({ price: 5_100, leaderId: 'bob', hasReserve: true, reserveMet: false });
    expect(Object.keys(view)).not.toContain('reservePrice');
    expect(JSON.stringify(view)).not.toContain('9876');
    expect(JSON.stringify(story.last.events)).not.toContain('9876');
  });

  it('when the leader max reaches the reserve, the price rises to the reserve', () => {
    const story = new AuctionStory(withReserve);
    story.accept('alice', 5_000);
    // carol's max $150 beats alice: proxy price 5100, lifted to the reserve $100.
    expect(story.accept('carol', 15_000)).toMatchObject({ price: 10_000, leaderId: 'carol' });
    expect(toPublicAuction(story.state).reserveMet).toBe(true);
    expect(story.last.events).toContainEqual(expect.objectContaining({ type: 'bid.accepted', reserveMet: true }));
  });

  it('a first bid at or above the reserve sets the price to the reserve, not the starting price', () => {
    const story = new AuctionStory(withReserve);
    expect(story.accept('alice', 10_000)).toMatchObject({ price: 10_000 });
  });

  it('a lone leader raising its own max to the reserve lifts the price to the reserve', () => {
    const story = new AuctionStory(withReserve);
    story.accept('alice', 5_000); // price $10, reserve not met
    story.accept('alice', 12_000); // her own raise reaches the reserve
    expect(story.shown).toEqual({ price: 10_000, leaderId: 'alice' });
    story.accept('alice', 20_000); // above the reserve now: the price stays
    expect(story.shown).toEqual({ price: 10_000, leaderId: 'alice' });
  });

  it('once the price sits at the reserve, the proxy formula takes over above it', () => {
    const story = new AuctionStory(withReserve);
    story.accept('alice', 20_000); // first bid, max above the reserve: price $100
    expect(story.shown).toEqual({ price: 10_000, leaderId: 'alice' });
    expect(story.refuse('bob', 10_099)).toMatchObject({ code: 'BID_TOO_LOW', minimumBid: 10_100 });
    story.accept('bob', 12_000); // min(20000, 12000 + 100)
    expect(story.shown).toEqual({ price: 12_100, leaderId: 'alice' });
  });

  it('closing below the reserve sells nothing: reserve-not-met, no winner', () => {
    const story = new AuctionStory(withReserve);
    story.accept('alice', 9_999);
    story.close(END);
    expect(story.state.result).toEqual({ outcome: 'reserve-not-met', winnerId: null, price: 1_000 });
  });

  it('closing with the reserve met sells to the leader at the price', () => {
    const story = new AuctionStory(withReserve);
    story.accept('alice', 12_000);
    story.accept('bob', 12_000); // a tie above the reserve: alice keeps it at $120
    story.close(END);
    expect(story.state.result).toEqual({ outcome: 'sold', winnerId: 'alice', price: 12_000 });
    expect(story.last.events).toEqual([
      expect.objectContaining({ type: 'auction.closed', result: story.state.result }),
    ]);
  });

  it('without a reserve, reserveMet is always true and hasReserve false', () => {
    const story = new AuctionStory();
    expect(toPublicAuction(story.state)).toMatchObject({ hasReserve: false, reserveMet: true });
  });
});
