import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INCREMENT_TABLE, type IncrementRule, incrementFor } from '../../src/engine/index.js';
import { referenceIncrement } from '../../src/testing/index.js';
import { AuctionStory } from './auction-story.js';

const table: IncrementRule = { type: 'table', steps: DEFAULT_INCREMENT_TABLE };

describe('increment', () => {
  it('a fixed increment is the same at every price', () => {
    const rule: IncrementRule = { type: 'fixed', amount: 100 };
    expect([0, 1, 99_999, 10_000_000].map((p) => incrementFor(rule, p))).toEqual([100, 100, 100, 100]);
  });

  it('the default table: 5 cents under $1 ... $100 from $5,000, each step starting at its `from`', () => {
    const rows: [price: number, increment: number][] = [
      [0, 5],
      [99, 5], // $0.99
      [100, 25], // $1.00
      [499, 25],
      [500, 50], // $5.00
      [2_499, 50],
      [2_500, 100], // $25.00
      [9_999, 100],
      [10_000, 250], // $100
      [24_999, 250],
      [25_000, 500], // $250
      [50_000, 1_000], // $500
      [100_000, 2_500], // $1,000
      [250_000, 5_000], // $2,500
      [499_999, 5_000],
      [500_000, 10_000], // $5,000
      [50_000_000, 10_000],
    ];
    for (const [price, increment] of rows) expect(incrementFor(table, price), `at ${price}`).toBe(increment);
  });

  it('a custom table applies the last step whose `from` is at or below the price', () => {
    const rule: IncrementRule = {
      type: 'table',
      steps: [
        { from: 0, amount: 10 },
        { from: 1_000, amount: 50 },
      ],
    };
    expect([0, 999, 1_000, 5_000].map((p) => incrementFor(rule, p))).toEqual([10, 10, 50, 50]);
  });

  it('story: at $0.95 the next bid must be $1.00; at $1.00 it must be $1.25', () => {
    const story = new AuctionStory({ startingPrice: 50, increment: { type: 'table' } });
    story.accept('alice', 95);
    story.accept('bob', 95); // a tie: alice keeps the lead, the price is $0.95
    expect(story.shown).toEqual({ price: 95, leaderId: 'alice' });
    expect(story.refuse('carol', 99)).toMatchObject({ code: 'BID_TOO_LOW', minimumBid: 100 });
    story.accept('carol', 100);
    expect(story.shown).toEqual({ price: 100, leaderId: 'carol' }); // min(100, 95 + 5)
    expect(story.refuse('alice', 124)).toMatchObject({ code: 'BID_TOO_LOW', minimumBid: 125 });
  });

  it('the reference model looks increments up the same way (checked on random prices and tables)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { maxLength: 5 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 20_000 }),
        (froms, amount, price) => {
          const rule: IncrementRule = {
            type: 'table',
            steps: [0, ...froms.sort((a, b) => a - b)].map((from, i) => ({ from, amount: amount + i })),
          };
          expect(referenceIncrement(rule, price)).toBe(incrementFor(rule, price));
          expect(referenceIncrement(table, price)).toBe(incrementFor(table, price));
        },
      ),
      { numRuns: 300 },
    );
  });
});
