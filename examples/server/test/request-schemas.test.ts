import { idSchema } from '@outcry/core';
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

const idLike = fc.oneof(
  fc.stringMatching(/^[\w.:@-]{1,70}$/),
  fc.string({ maxLength: 140 }),
  fc.constantFrom('', 'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(128), 'a'.repeat(129), 'a b', 'é'),
);
const amountLike = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, 1, -1, 1.5, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.NaN, '5', null),
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

  it('finds an auction id exactly when idSchema accepts it', () => {
    fc.assert(
      fc.property(idLike, (id) => {
        const found = outcomeOf(() => auctionIdOf({ id }));
        expect('value' in found).toBe(idSchema.safeParse(id).success);
      }),
      { numRuns: 2_000 },
    );
  });
});
