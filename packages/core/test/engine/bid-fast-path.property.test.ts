import { MAX_AMOUNT, placeBidInputSchema } from '@outcry/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWellFormedBid } from '../../src/schemas/bid-fast-path.js';
import { NAMED_OPAQUE_IDS, opaqueIdArbitrary } from '../../src/testing/index.js';

const REAL_IDS = NAMED_OPAQUE_IDS;
const opaqueIdArb = opaqueIdArbitrary();
/** Strings of any UTF-16 units, lone surrogates and controls included. */
function anyUnitString(options: { maxLength: number }): fc.Arbitrary<string> {
  const unit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
  return fc.string({ unit, maxLength: options.maxLength });
}

const idLike = fc.oneof(
  fc.string({ minLength: 0, maxLength: 3 }),
  fc.stringMatching(/^[\w.:@-]{1,12}$/),
  anyUnitString({ maxLength: 8 }),
  opaqueIdArb,
  fc.constantFrom(
    ...REAL_IDS,
    'a'.repeat(128),
    'a'.repeat(129),
    'a'.repeat(256),
    'a'.repeat(257),
    '😀'.repeat(256),
    '😀'.repeat(257),
    'bad id',
    'é',
    '',
    'x\n',
    'x\u0085',
    '\ud800',
  ),
);
const amountLike = fc.oneof(
  fc.integer({ min: -5, max: 1_000 }),
  fc.double(),
  fc.constantFrom(
    MAX_AMOUNT,
    MAX_AMOUNT + 1,
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
  it('accepts exactly what placeBidInputSchema accepts, unchanged (the rest goes to zod)', () => {
    fc.assert(
      fc.property(fc.oneof(bidLike, fc.anything()), (input) => {
        const parsed = placeBidInputSchema.safeParse(input);
        const comparable =
          typeof input !== 'object' ||
          input === null ||
          Array.isArray(input) ||
          Object.getPrototypeOf(input) === Object.prototype;
        // zod also takes objects of other prototypes (and copies them); the fast path leaves those to zod.
        if (comparable || isWellFormedBid(input)) expect(isWellFormedBid(input)).toBe(parsed.success);
        if (isWellFormedBid(input)) expect(parsed.data).toEqual({ ...input });
      }),
      { numRuns: 5_000 },
    );
  });

  it('judges each field as zod does: any id, any amount', () => {
    const field = fc.constantFrom('auctionId', 'bidderId', 'bidId', 'amount');
    fc.assert(
      fc.property(field, fc.oneof(idLike, amountLike), (name, value) => {
        const input = { auctionId: 'a1', bidderId: 'b1', amount: 5, [name]: value };
        expect(isWellFormedBid(input), JSON.stringify(input)).toBe(placeBidInputSchema.safeParse(input).success);
      }),
      { numRuns: 5_000 },
    );
  });

  it('takes every plain well-formed bid, so zod is skipped on the hot path', () => {
    const wellFormed = fc.record(
      {
        auctionId: fc.stringMatching(/^[\w.:@-]{1,128}$/),
        bidderId: opaqueIdArb,
        amount: fc.integer({ min: 1, max: MAX_AMOUNT }),
        bidId: opaqueIdArb,
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
    expect(isWellFormedBid({ ...bid, amount: MAX_AMOUNT + 1 })).toBe(false);
    expect(isWellFormedBid({ ...bid, extra: true })).toBe(false);
    for (const id of REAL_IDS) expect(isWellFormedBid({ ...bid, bidderId: id, bidId: id })).toBe(true);
  });
});
