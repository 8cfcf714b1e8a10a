import { isWellFormedBid } from '../../src/schemas/bid-fast-path.js';
import { placeBidInputSchema } from '@outcry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const idLike = fc.oneof(
  fc.string({ minLength: 0, maxLength: 3 }),
  fc.stringMatching(/^[\w.:@-]{1,12}$/),
  fc.constantFrom('a'.repeat(128), 'a'.repeat(129), 'bad id', 'é', '', 'x\n'),
);
const amountLike = fc.oneof(
  fc.integer({ min: -5, max: 1_000 }),
  fc.double(),
  fc.constantFrom(
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    1.5,
    -0,
    '100',
  ),
);
const bidLike = fc.record(
  {
    auctionId: idLike,
    bidderId: idLike,
    amount: amountLike,
    bidId: idLike,
    extra: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('the hand-checked bid fast path', () => {
  it('only lets through what placeBidInputSchema accepts unchanged (the rest goes to zod)', () => {
    fc.assert(
      fc.property(fc.oneof(bidLike, fc.anything()), (input) => {
        if (!isWellFormedBid(input)) return;
        const parsed = placeBidInputSchema.safeParse(input);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual({ ...input });
      }),
      { numRuns: 5_000 },
    );
  });

  it('takes every plain well-formed bid, so zod is skipped on the hot path', () => {
    const wellFormed = fc.record(
      {
        auctionId: fc.stringMatching(/^[\w.:@-]{1,128}$/),
        bidderId: fc.stringMatching(/^[\w.:@-]{1,128}$/),
        amount: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        bidId: fc.stringMatching(/^[\w.:@-]{1,128}$/),
      },
      { requiredKeys: ['auctionId', 'bidderId', 'amount'], noNullPrototype: true },
    );
    fc.assert(
      fc.property(wellFormed, (input) => {
        expect(placeBidInputSchema.safeParse(input).success).toBe(true);
        expect(isWellFormedBid(input)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses objects that only look like bids', () => {
    const bid = { auctionId: 'a', bidderId: 'b', amount: 5 };
    expect(isWellFormedBid(bid)).toBe(true);
    expect(isWellFormedBid(Object.assign(Object.create({ inherited: 1 }), bid))).toBe(false);
    expect(isWellFormedBid([bid])).toBe(false);
    expect(isWellFormedBid({ ...bid, amount: 5.5 })).toBe(false);
    expect(isWellFormedBid({ ...bid, extra: true })).toBe(false);
  });
});
