import { auctionIdSchema, MAX_AMOUNT } from '@outcry/core';
import { NAMED_OPAQUE_IDS, opaqueIdArbitrary } from '@outcry/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auctionIdOf,
  bidBodySchema,
  bidQuerySchema,
  parseBidBody,
  parseBidQuery,
  parseRequest,
} from '../src/request-schemas.js';

/** What a call gives: its value, or the code of the error it throws. */
function outcomeOf<T>(call: () => T): { value: T } | { code: unknown } {
  try {
    return { value: call() };
  } catch (error) {
    return { code: (error as { code?: unknown }).code };
  }
}

/** Strings of any UTF-16 units, lone surrogates and controls included. */
const anyUnits = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  maxLength: 10,
});
const idLike = fc.oneof(
  fc.stringMatching(/^[\w.:@-]{1,70}$/),
  fc.string({ maxLength: 140 }),
  anyUnits,
  opaqueIdArbitrary({ maxLength: 140 }),
  fc.constantFrom(
    ...NAMED_OPAQUE_IDS,
    '',
    'a'.repeat(128),
    'a'.repeat(129),
    '😀'.repeat(128),
    '😀'.repeat(129),
    'a b',
    'é',
    'x\u0000',
    '\ud800',
  ),
);
const amountLike = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    1,
    -1,
    1.5,
    MAX_AMOUNT,
    MAX_AMOUNT + 1,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1,
    Number.NaN,
    '5',
    null,
  ),
);
const bodyLike = fc.oneof(
  fc.record({ amount: amountLike, bidId: idLike }, { requiredKeys: [] }),
  fc.record({ amount: amountLike, bidId: idLike, extra: fc.anything() }, { requiredKeys: ['extra'] }),
  fc.anything(),
);

describe('the bid route hot path checks by hand what zod checks', () => {
  it('accepts and refuses exactly the bodies bidBodySchema does', () => {
    fc.assert(
      fc.property(bodyLike, (body) => {
        expect(outcomeOf(() => parseBidBody(body))).toEqual(
          outcomeOf(() => parseRequest(bidBodySchema, body, 'INVALID_BID', 'bid')),
        );
      }),
      { numRuns: 2_000 },
    );
    // A well-formed body is taken as it is, without zod (which would return a copy).
    const body = { amount: 1_500, bidId: 'my-bid.1' };
    expect(parseBidBody(body)).toBe(body);
  });

  it('judges each field of a body as bidBodySchema does', () => {
    fc.assert(
      fc.property(fc.constantFrom('amount', 'bidId'), fc.oneof(idLike, amountLike), (field, value) => {
        const body = { amount: 5, [field]: value };
        expect(outcomeOf(() => parseBidBody(body))).toEqual(
          outcomeOf(() => parseRequest(bidBodySchema, body, 'INVALID_BID', 'bid')),
        );
      }),
      { numRuns: 3_000 },
    );
  });

  it('accepts and refuses exactly the queries bidQuerySchema does', () => {
    const queryLike = fc.oneof(
      fc.constant({}),
      fc.constant(Object.create(null)),
      fc.record({ wait: fc.constantFrom('true', 'false', 'no') }),
      fc.dictionary(fc.string(), fc.string()),
    );
    fc.assert(
      fc.property(queryLike, (query) => {
        expect(outcomeOf(() => parseBidQuery(query))).toEqual(
          outcomeOf(() => parseRequest(bidQuerySchema, query, 'INVALID_INPUT', 'query')),
        );
      }),
    );
  });

  it('finds an auction id exactly when auctionIdSchema accepts it', () => {
    fc.assert(
      fc.property(idLike, (id) => {
        const found = outcomeOf(() => auctionIdOf({ id }));
        expect('value' in found).toBe(auctionIdSchema.safeParse(id).success);
      }),
      { numRuns: 2_000 },
    );
  });
});
