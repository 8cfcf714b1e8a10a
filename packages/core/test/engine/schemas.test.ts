import { describe, expect, it } from 'vitest';
import { decodeListCursor, encodeListCursor } from '../../src/adapter-kit/index.js';
import { buildAuctionSpec } from '../../src/engine/index.js';
import {
  auctionIdSchema,
  type CreateAuctionInput,
  cancelAuctionInputSchema,
  createAuctionInputSchema,
  DEFAULT_INCREMENT_TABLE,
  describeIssues,
  getBidsInputSchema,
  isOutcryError,
  listAuctionsInputSchema,
  MAX_AMOUNT,
  moneySchema,
  OutcryError,
  opaqueIdSchema,
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
  it('money is an integer of minor units from 0 to MAX_AMOUNT (10^15)', () => {
    expect(MAX_AMOUNT).toBe(10 ** 15);
    for (const ok of [0, 1, 1_000, MAX_AMOUNT]) expect(moneySchema.parse(ok)).toBe(ok);
    expect(issuesOf(moneySchema, -1)).toEqual([': must not be negative']);
    expect(issuesOf(moneySchema, 10.5)).toEqual([': must be an integer number of minor units (no fractions)']);
    expect(issuesOf(moneySchema, '100')).toEqual([': must be a number of minor units']);
    for (const tooBig of [MAX_AMOUNT + 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 1e308]) {
      expect(issuesOf(moneySchema, tooBig)).toEqual([': must be at most 1000000000000000 minor units (10^15)']);
    }
    expect(moneySchema.safeParse(Number.NaN).success).toBe(false);
    expect(moneySchema.safeParse(Number.POSITIVE_INFINITY).success).toBe(false);
  });

  it('auction ids are 1-128 ASCII letters, digits and _ . : @ -', () => {
    for (const ok of ['a', 'user-1', 'a.b:c@d_e', 'x'.repeat(128)]) expect(auctionIdSchema.parse(ok)).toBe(ok);
    expect(issuesOf(auctionIdSchema, 'has space')).toEqual([': may hold ASCII letters, digits and _ . : @ - only']);
    expect(issuesOf(auctionIdSchema, '')).toEqual([': must not be empty']);
    expect(issuesOf(auctionIdSchema, 'x'.repeat(129))).toEqual([': must be at most 128 characters']);
    expect(auctionIdSchema.safeParse('Łukasz').success).toBe(false);
  });

  it('user ids and bidIds are opaque: any 1-256 characters without controls or lone surrogates', () => {
    const real = ['freedom*48', 'pinda$', '**balancedbody4u**', 'auth0|5f3a9c', 'a+b@example.com', 'Łukasz', '用户42'];
    const odd = ['{p1}', 'a b', 'x:y:z', '*', '"quoted"', '\\back', '<img src=x>', '😀'.repeat(256), 'é'.repeat(256)];
    for (const ok of [...real, ...odd]) expect(opaqueIdSchema.parse(ok)).toBe(ok);
    expect(issuesOf(opaqueIdSchema, '')).toEqual([': must not be empty']);
    expect(issuesOf(opaqueIdSchema, 'x'.repeat(257))).toEqual([': must be at most 256 characters']);
    expect(issuesOf(opaqueIdSchema, '😀'.repeat(257))).toEqual([': must be at most 256 characters']);
    for (const control of ['a\u0000', '\t', 'a\nb', 'x\u001f', 'del\u007f', 'c1\u0085', '\u009f']) {
      expect(issuesOf(opaqueIdSchema, control)).toEqual([': must not contain control characters']);
    }
    for (const lone of ['\ud800', 'a\udc00b', '\ude00\ud83d', 'x\ud83d']) {
      expect(issuesOf(opaqueIdSchema, lone)).toEqual([': must not contain lone surrogates (it is not Unicode text)']);
    }
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
      'metadata: must serialise to at most 8192 bytes of JSON',
    ],
    [
      'metadata over 8 KiB in UTF-8',
      { metadata: { blob: '€'.repeat(2_800) } },
      'metadata: must serialise to at most 8192 bytes of JSON',
    ],
    ['NUL in the title', { title: 'Gui\u0000tar' }, 'title: must not contain NUL (\\u0000)'],
    [
      'a lone surrogate in the title',
      { title: 'Gui\ud800tar' },
      'title: must not contain lone surrogates (it is not Unicode text)',
    ],
    [
      'other control characters in the title',
      { title: 'Gui\u001btar' },
      'title: must not contain control characters other than tab, line feed and carriage return',
    ],
    ['a title over 200 characters', { title: '😀'.repeat(201) }, 'title: must be at most 200 characters'],
    ['an empty title', { title: '  ' }, 'title: must not be empty'],
    [
      'NUL in a metadata value',
      { metadata: { a: { b: ['x', 'y\u0000'] } } },
      'metadata.a.b.1: must not contain NUL (\\u0000)',
    ],
    [
      'NUL in a metadata key',
      { metadata: { a: { 'k\u0000': 1 } } },
      'metadata.a.k\u0000: key must not contain NUL (\\u0000)',
    ],
    [
      'a lone surrogate in metadata',
      { metadata: { deep: [[{ s: '\udfff' }]] } },
      'metadata.deep.0.0.s: must not contain lone surrogates (it is not Unicode text)',
    ],
    [
      'metadata that is not JSON',
      { metadata: { n: Number.NaN } },
      'metadata.n: must be JSON: null, a boolean, a finite number, a string, an array or a plain object',
    ],
    ['metadata that is an array', { metadata: [] as never }, 'metadata: must be a JSON object'],
    [
      'a starting price over 10^15',
      { startingPrice: MAX_AMOUNT + 1 },
      'startingPrice: must be at most 1000000000000000 minor units (10^15)',
    ],
    [
      'a reserve over 10^15',
      { reservePrice: Number.MAX_SAFE_INTEGER },
      'reservePrice: must be at most 1000000000000000 minor units (10^15)',
    ],
    [
      'a buy-now price over 10^15',
      { buyNowPrice: MAX_AMOUNT + 1 },
      'buyNowPrice: must be at most 1000000000000000 minor units (10^15)',
    ],
    [
      'a fixed increment over 10^15',
      { increment: { type: 'fixed', amount: MAX_AMOUNT + 1 } },
      'increment.amount: must be at most 1000000000000000 minor units (10^15)',
    ],
    [
      'a table step over 10^15',
      {
        increment: {
          type: 'table',
          steps: [
            { from: 0, amount: 5 },
            { from: MAX_AMOUNT + 1, amount: 5 },
          ],
        },
      },
      'increment.steps.1.from: must be at most 1000000000000000 minor units (10^15)',
    ],
    ['an empty sellerId', { sellerId: '' }, 'sellerId: must not be empty'],
    ['a sellerId with a control character', { sellerId: 'bob\u0007' }, 'sellerId: must not contain control characters'],
    ['an auction id outside its alphabet', { id: 'lot 1' }, 'id: may hold ASCII letters, digits and _ . : @ - only'],
  ];
  for (const [what, overrides, issue] of invalid) {
    it(`rejects ${what}`, () => {
      expect(issuesOf(createAuctionInputSchema, auctionInput(overrides))).toContain(issue);
    });
  }

  it('refuses deeply nested metadata without walking it recursively', () => {
    let nested: unknown = 1;
    for (let i = 0; i < 100_000; i++) nested = [nested];
    const deep = createAuctionInputSchema.safeParse(auctionInput({ metadata: { nested } as never }));
    expect(deep.success ? [] : describeIssues(deep.error)).toEqual([
      { path: `metadata.nested${'.0'.repeat(15)}`, message: 'must not nest objects and arrays more than 16 deep' },
    ]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const looped = createAuctionInputSchema.safeParse(auctionInput({ metadata: cyclic }));
    expect(looped.success ? [] : describeIssues(looped.error)).toHaveLength(1);
  });

  it('takes metadata 16 deep and 1,000 entries, refuses one more level or entry, and keeps a copy', () => {
    let deepest: unknown = 'bottom';
    for (let i = 0; i < 15; i++) deepest = { d: deepest };
    const metadata = { deepest, list: Array.from({ length: 983 }, (_, i) => i) };
    const parsed = createAuctionInputSchema.parse(auctionInput({ metadata }));
    expect(parsed.metadata).toEqual(metadata);
    expect(parsed.metadata).not.toBe(metadata);
    expect(issuesOf(createAuctionInputSchema, auctionInput({ metadata: { deepest: { d: deepest } } }))).toEqual([
      `metadata.deepest${'.d'.repeat(15)}: must not nest objects and arrays more than 16 deep`,
    ]);
    expect(issuesOf(createAuctionInputSchema, auctionInput({ metadata: { ...metadata, one: 'more' } }))).toEqual([
      'metadata: must hold at most 1000 keys and array items in all',
    ]);
  });

  it('takes free text with tabs, newlines and any script', () => {
    const parsed = createAuctionInputSchema.parse(
      auctionInput({ title: 'Gitara\tŁukasza\r\n用户 😀', metadata: { 'Zustand\n': 'gut\tés', '': '' } }),
    );
    expect(parsed.title).toBe('Gitara\tŁukasza\r\n用户 😀');
    expect(parsed.metadata).toEqual({ 'Zustand\n': 'gut\tés', '': '' });
  });

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

  it('a bid amount is at most MAX_AMOUNT; ids are opaque', () => {
    expect(
      placeBidInputSchema.parse({ auctionId: 'a1', bidderId: '用户42', amount: MAX_AMOUNT, bidId: 'b|1' }),
    ).toEqual({
      auctionId: 'a1',
      bidderId: '用户42',
      amount: MAX_AMOUNT,
      bidId: 'b|1',
    });
    expect(
      issuesOf(placeBidInputSchema, { auctionId: 'a b', bidderId: 'x\u0000', amount: MAX_AMOUNT + 1, bidId: '' }),
    ).toEqual([
      'auctionId: may hold ASCII letters, digits and _ . : @ - only',
      'bidderId: must not contain control characters',
      'amount: must be at most 1000000000000000 minor units (10^15)',
      'bidId: must not be empty',
    ]);
  });

  it('a cancel reason is free text of at most 500 characters', () => {
    expect(cancelAuctionInputSchema.parse({ by: 'auth0|5f3a9c', reason: 'Withdrawn:\nsold elsewhere' })).toEqual({
      by: 'auth0|5f3a9c',
      reason: 'Withdrawn:\nsold elsewhere',
    });
    expect(issuesOf(cancelAuctionInputSchema, { by: 'x', reason: 'a\u0000' })).toEqual([
      'reason: must not contain NUL (\\u0000)',
    ]);
    expect(issuesOf(cancelAuctionInputSchema, { by: 'x', reason: '\ud800' })).toEqual([
      'reason: must not contain lone surrogates (it is not Unicode text)',
    ]);
    expect(issuesOf(cancelAuctionInputSchema, { by: 'x', reason: 'r'.repeat(501) })).toEqual([
      'reason: must be at most 500 characters',
    ]);
  });

  it('list cursors are only those the stores give out', () => {
    const cursor = encodeListCursor({ createdAt: 1_700_000_000_000, id: 'lot-1' });
    expect(listAuctionsInputSchema.parse({ cursor })).toEqual({ cursor, limit: 50 });
    for (const crafted of [
      '[1,"a\u0000b"]',
      '[1.5,"x"]',
      '[1e308,"x"]',
      '[-1,"x"]',
      '[1,"x",3]',
      '[1,"has space"]',
      '[1,""]',
      '{"a":1}',
      '[1, "x"]',
    ]) {
      const encoded = Buffer.from(crafted).toString('base64url');
      expect(issuesOf(listAuctionsInputSchema, { cursor: encoded })).toEqual([
        'cursor: is not one this server gave out',
      ]);
      expect(() => decodeListCursor(encoded)).toThrow(OutcryError);
    }
    expect(issuesOf(listAuctionsInputSchema, { cursor: `${cursor}!!` })).toEqual([
      'cursor: is not one this server gave out',
    ]);
    expect(issuesOf(listAuctionsInputSchema, { cursor: '' })).toEqual(['cursor: is not one this server gave out']);
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
      parseInput(placeBidInputSchema, { auctionId: 'a1', bidderId: 'b\u0000b', amount: 2.5 }, 'INVALID_BID', 'bid');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OutcryError);
    expect(isOutcryError(caught)).toBe(true);
    const error = caught as OutcryError;
    expect(error.code).toBe('INVALID_BID');
    expect(error.message).toBe('Invalid bid: bidderId must not contain control characters');
    expect(error.details).toEqual([
      { path: 'bidderId', message: 'must not contain control characters' },
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
