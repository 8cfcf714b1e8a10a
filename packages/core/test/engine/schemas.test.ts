import { describe, expect, it } from 'vitest';
import {
  buildAuctionSpec,
  type CreateAuctionInput,
  createAuctionInputSchema,
  DEFAULT_INCREMENT_TABLE,
  describeIssues,
  getBidsInputSchema,
  idSchema,
  isOutcryError,
  listAuctionsInputSchema,
  moneySchema,
  OutcryError,
  parseInput,
  placeBidInputSchema,
} from '../../src/index.js';
import { auctionInput, END, T0 } from './auction-story.js';

/** The issues of a failed parse, as `path: message` lines. */
function issuesOf(
  schema: { safeParse(input: unknown): { success: boolean; error?: unknown } },
  input: unknown,
): string[] {
  const parsed = schema.safeParse(input);
  expect(parsed.success, JSON.stringify(input)).toBe(false);
  return describeIssues(parsed.error as never).map((i) => `${i.path}: ${i.message}`);
}

describe('money and ids', () => {
  it('money is a safe integer of minor units, >= 0', () => {
    for (const ok of [0, 1, 1_000, Number.MAX_SAFE_INTEGER]) expect(moneySchema.parse(ok)).toBe(ok);
    expect(issuesOf(moneySchema, -1)).toEqual([': must not be negative']);
    expect(issuesOf(moneySchema, 10.5)).toEqual([': must be an integer number of minor units (no fractions)']);
    expect(issuesOf(moneySchema, '100')).toEqual([': must be a number of minor units']);
    expect(moneySchema.safeParse(Number.MAX_SAFE_INTEGER + 1).success).toBe(false);
    expect(moneySchema.safeParse(Number.NaN).success).toBe(false);
    expect(moneySchema.safeParse(Number.POSITIVE_INFINITY).success).toBe(false);
  });

  it('ids are short printable strings', () => {
    for (const ok of ['a', 'user-1', 'a.b:c@d_e', 'x'.repeat(128)]) expect(idSchema.parse(ok)).toBe(ok);
    expect(issuesOf(idSchema, 'has space')).toEqual([': may hold letters, digits and . _ : @ - only']);
    expect(idSchema.safeParse('').success).toBe(false);
    expect(idSchema.safeParse('x'.repeat(129)).success).toBe(false);
  });
});

describe('createAuctionInputSchema and buildAuctionSpec', () => {
  it('a minimal input normalises to a spec with defaults: table increment, no reserve, no soft close, starts now', () => {
    const input = createAuctionInputSchema.parse({
      sellerId: 's',
      title: ' Guitar ',
      currency: 'EUR',
      startingPrice: 0,
      endsAt: END,
    });
    const spec = buildAuctionSpec(input, 'a9', T0);
    expect(spec).toEqual({
      id: 'a9',
      sellerId: 's',
      title: 'Guitar',
      currency: 'EUR',
      startingPrice: 0,
      reservePrice: null,
      buyNowPrice: null,
      increment: { type: 'table', steps: DEFAULT_INCREMENT_TABLE },
      softClose: null,
      startsAt: T0,
      originalEndsAt: END,
      createdAt: T0,
      metadata: null,
    });
  });

  it("soft close defaults to mode 'reset' with no caps; fixed and custom table increments are kept", () => {
    const spec = buildAuctionSpec(
      createAuctionInputSchema.parse(auctionInput({ softClose: { windowMs: 10, extendMs: 20 } })),
      'a1',
      T0,
    );
    expect(spec.softClose).toEqual({ windowMs: 10, extendMs: 20, mode: 'reset', maxEndsAt: null, maxExtensions: null });
    expect(spec.increment).toEqual({ type: 'fixed', amount: 100 });
    const steps = [
      { from: 0, amount: 10 },
      { from: 500, amount: 20 },
    ];
    const table = buildAuctionSpec(
      createAuctionInputSchema.parse(auctionInput({ increment: { type: 'table', steps } })),
      'a1',
      T0,
    );
    expect(table.increment).toEqual({ type: 'table', steps });
  });

  const invalid: [what: string, overrides: Partial<CreateAuctionInput>, issue: string][] = [
    ['endsAt not after startsAt', { startsAt: END, endsAt: END }, 'endsAt: must be after startsAt'],
    [
      'reserve below starting price',
      { startingPrice: 1_000, reservePrice: 999 },
      'reservePrice: must not be below startingPrice',
    ],
    [
      'buy-now at the starting price',
      { startingPrice: 1_000, buyNowPrice: 1_000 },
      'buyNowPrice: must be above startingPrice',
    ],
    [
      'buy-now below the reserve',
      { reservePrice: 5_000, buyNowPrice: 4_000 },
      'buyNowPrice: must not be below reservePrice',
    ],
    [
      'maxEndsAt before endsAt',
      { softClose: { windowMs: 1, extendMs: 1, maxEndsAt: END - 1 } },
      'softClose.maxEndsAt: must not be before endsAt',
    ],
    ['lower-case currency', { currency: 'usd' }, 'currency: must be an ISO 4217 code such as USD'],
    [
      'fractional price',
      { startingPrice: 1.5 },
      'startingPrice: must be an integer number of minor units (no fractions)',
    ],
    [
      'table not from 0',
      { increment: { type: 'table', steps: [{ from: 1, amount: 5 }] } },
      'increment.steps: the first step must start from 0',
    ],
    [
      'table not ascending',
      {
        increment: {
          type: 'table',
          steps: [
            { from: 0, amount: 5 },
            { from: 0, amount: 6 },
          ],
        },
      },
      'increment.steps: steps must be in strictly ascending order of `from`',
    ],
    [
      'metadata over 8 KiB',
      { metadata: { blob: 'x'.repeat(9_000) } },
      'metadata: must serialise to at most 8 KiB of JSON',
    ],
  ];
  for (const [what, overrides, issue] of invalid) {
    it(`rejects ${what}`, () => {
      expect(issuesOf(createAuctionInputSchema, auctionInput(overrides))).toContain(issue);
    });
  }

  it('rejects unknown keys, a zero fixed increment and a zero soft-close window', () => {
    expect(createAuctionInputSchema.safeParse({ ...auctionInput(), colour: 'red' }).success).toBe(false);
    expect(createAuctionInputSchema.safeParse(auctionInput({ increment: { type: 'fixed', amount: 0 } })).success).toBe(
      false,
    );
    expect(createAuctionInputSchema.safeParse(auctionInput({ softClose: { windowMs: 0, extendMs: 1 } })).success).toBe(
      false,
    );
  });
});

describe('bid and query inputs', () => {
  it('a bid amount is at least 1 minor unit; bidId is optional', () => {
    expect(placeBidInputSchema.parse({ auctionId: 'a1', bidderId: 'bob', amount: 1 })).toEqual({
      auctionId: 'a1',
      bidderId: 'bob',
      amount: 1,
    });
    expect(issuesOf(placeBidInputSchema, { auctionId: 'a1', bidderId: 'bob', amount: 0 })).toEqual([
      'amount: must be at least 1 minor unit',
    ]);
  });

  it('list and history queries coerce strings and fill defaults', () => {
    expect(listAuctionsInputSchema.parse({})).toEqual({ limit: 50 });
    expect(listAuctionsInputSchema.parse({ limit: '10', status: 'open' })).toEqual({ limit: 10, status: 'open' });
    expect(listAuctionsInputSchema.safeParse({ limit: 501 }).success).toBe(false);
    expect(getBidsInputSchema.parse({ afterSeq: '3' })).toEqual({ afterSeq: 3, limit: 100 });
  });
});

describe('parseInput', () => {
  it('returns the parsed value on success', () => {
    expect(
      parseInput(placeBidInputSchema, { auctionId: 'a1', bidderId: 'bob', amount: 5 }, 'INVALID_BID', 'bid'),
    ).toEqual({
      auctionId: 'a1',
      bidderId: 'bob',
      amount: 5,
    });
  });

  it('throws an OutcryError with the stable code, the first issue in the message and every issue in details', () => {
    let caught: unknown;
    try {
      parseInput(placeBidInputSchema, { auctionId: 'a1', bidderId: 'b o b', amount: 2.5 }, 'INVALID_BID', 'bid');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OutcryError);
    expect(isOutcryError(caught)).toBe(true);
    const error = caught as OutcryError;
    expect(error.code).toBe('INVALID_BID');
    expect(error.message).toBe('Invalid bid: bidderId may hold letters, digits and . _ : @ - only');
    expect(error.details).toEqual([
      { path: 'bidderId', message: 'may hold letters, digits and . _ : @ - only' },
      { path: 'amount', message: 'must be an integer number of minor units (no fractions)' },
    ]);
    expect(error.toJSON()).toEqual({ code: 'INVALID_BID', message: error.message, details: error.details });
  });

  it('an issue at the root is reported without a path', () => {
    expect(() => parseInput(placeBidInputSchema, 'nonsense', 'INVALID_INPUT', 'bid')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/^Invalid bid: /) }),
    );
  });
});
