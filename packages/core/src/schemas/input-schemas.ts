import { z } from 'zod';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Money: integer minor units, a safe integer >= 0. */
export const moneySchema = z
  .number({ error: 'must be a number of minor units' })
  .int({ error: 'must be an integer number of minor units (no fractions)' })
  .min(0, { error: 'must not be negative' })
  .max(MAX_SAFE, { error: 'must be a safe integer' });

/** Ids of auctions, bids and users: short printable strings. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\w.:@-]+$/, { error: 'may hold letters, digits and . _ : @ - only' });

const instantSchema = z.number().int().min(0).max(8_640_000_000_000_000);

export const incrementInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('fixed'), amount: moneySchema.min(1) }).strict(),
  z
    .object({
      type: z.literal('table'),
      steps: z
        .array(z.object({ from: moneySchema, amount: moneySchema.min(1) }).strict())
        .min(1)
        .max(100)
        .optional(),
    })
    .strict()
    .refine((rule) => rule.steps === undefined || rule.steps[0]?.from === 0, {
      error: 'the first step must start from 0',
      path: ['steps'],
    })
    .refine(
      (rule) =>
        rule.steps === undefined || rule.steps.every((s, i, all) => i === 0 || s.from > (all[i - 1]?.from ?? 0)),
      {
        error: 'steps must be in strictly ascending order of `from`',
        path: ['steps'],
      },
    ),
]);

export const softCloseInputSchema = z
  .object({
    windowMs: z.number().int().min(1).max(86_400_000),
    extendMs: z.number().int().min(1).max(86_400_000),
    mode: z.enum(['reset', 'add']).optional(),
    maxEndsAt: instantSchema.optional(),
    maxExtensions: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();

/** Input of `createAuction`: validated, then normalised into an AuctionSpec. */
export const createAuctionInputSchema = z
  .object({
    id: idSchema.optional(),
    sellerId: idSchema,
    title: z.string().trim().min(1).max(200),
    currency: z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as USD' }),
    startingPrice: moneySchema,
    reservePrice: moneySchema.optional(),
    buyNowPrice: moneySchema.min(1).optional(),
    increment: incrementInputSchema.optional(),
    startsAt: instantSchema.optional(),
    endsAt: instantSchema,
    softClose: softCloseInputSchema.optional(),
    metadata: z.record(z.string(), z.json()).optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const startsAt = input.startsAt;
    if (startsAt !== undefined && input.endsAt <= startsAt) {
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
    }
    if (input.reservePrice !== undefined && input.reservePrice < input.startingPrice) {
      ctx.addIssue({ code: 'custom', path: ['reservePrice'], message: 'must not be below startingPrice' });
    }
    if (input.buyNowPrice !== undefined) {
      if (input.buyNowPrice <= input.startingPrice) {
        ctx.addIssue({ code: 'custom', path: ['buyNowPrice'], message: 'must be above startingPrice' });
      }
      if (input.reservePrice !== undefined && input.buyNowPrice < input.reservePrice) {
        ctx.addIssue({ code: 'custom', path: ['buyNowPrice'], message: 'must not be below reservePrice' });
      }
    }
    const maxEndsAt = input.softClose?.maxEndsAt;
    if (maxEndsAt !== undefined && maxEndsAt < input.endsAt) {
      ctx.addIssue({ code: 'custom', path: ['softClose', 'maxEndsAt'], message: 'must not be before endsAt' });
    }
    if (input.metadata !== undefined && JSON.stringify(input.metadata).length > 8_192) {
      ctx.addIssue({ code: 'custom', path: ['metadata'], message: 'must serialise to at most 8 KiB of JSON' });
    }
  });

export type CreateAuctionInput = z.input<typeof createAuctionInputSchema>;

/** Input of `placeBid`: the bidder's maximum. */
export const placeBidInputSchema = z
  .object({
    auctionId: idSchema,
    bidderId: idSchema,
    amount: moneySchema.min(1, { error: 'must be at least 1 minor unit' }),
    bidId: idSchema.optional(),
  })
  .strict();

export type PlaceBidInput = z.input<typeof placeBidInputSchema>;

/** Input of `buyNow`. */
export const buyNowInputSchema = z
  .object({ auctionId: idSchema, bidderId: idSchema, bidId: idSchema.optional() })
  .strict();

export type BuyNowInput = z.input<typeof buyNowInputSchema>;

/** Input of `cancelAuction`: who cancels, and why. */
export const cancelAuctionInputSchema = z.object({ by: idSchema, reason: z.string().max(500).optional() }).strict();

export type CancelAuctionInput = z.input<typeof cancelAuctionInputSchema>;

export const auctionStatusSchema = z.enum(['scheduled', 'open', 'closed', 'cancelled']);

/** Input of `listAuctions`: keyset pagination, newest first. */
export const listAuctionsInputSchema = z
  .object({
    status: auctionStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(512).optional(),
  })
  .strict();

export type ListAuctionsInput = z.input<typeof listAuctionsInputSchema>;

/** Input of `getBids`: the history after a seq. */
export const getBidsInputSchema = z
  .object({
    afterSeq: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

export type GetBidsInput = z.input<typeof getBidsInputSchema>;
