import { z } from 'zod';
import { MAX_AMOUNT } from '../engine/money.js';
import { auctionIdSchema } from './auction-id.js';
import { freeTextSchema } from './free-text.js';
import { isListCursor } from './list-cursor.js';
import { metadataSchema } from './metadata-schema.js';
import { opaqueIdSchema } from './opaque-id.js';

/** Money: an integer of minor units, from 0 to MAX_AMOUNT (10^15). */
export const moneySchema = z
  .number({ error: 'must be a number of minor units' })
  // First and final: zod's int() refuses integers past 2^53 too, which are not fractions.
  .max(MAX_AMOUNT, { error: `must be at most ${MAX_AMOUNT} minor units (10^15)`, abort: true })
  .int({ error: 'must be an integer number of minor units (no fractions)' })
  .min(0, { error: 'must not be negative' });

const instantSchema = z.number().int().min(0).max(8_640_000_000_000_000);

const incrementInputSchema = z.discriminatedUnion('type', [
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

const softCloseInputSchema = z
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
    id: auctionIdSchema.optional(),
    sellerId: opaqueIdSchema,
    title: freeTextSchema({ min: 1, max: 200, trim: true }),
    currency: z.string().regex(/^[A-Z]{3}$/, { error: 'must be an ISO 4217 code such as USD' }),
    startingPrice: moneySchema,
    reservePrice: moneySchema.optional(),
    buyNowPrice: moneySchema.min(1).optional(),
    increment: incrementInputSchema.optional(),
    startsAt: instantSchema.optional(),
    endsAt: instantSchema,
    softClose: softCloseInputSchema.optional(),
    metadata: metadataSchema.optional(),
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
  });

export type CreateAuctionInput = z.input<typeof createAuctionInputSchema>;

/** Input of `placeBid`: the bidder's maximum. */
export const placeBidInputSchema = z
  .object({
    auctionId: auctionIdSchema,
    bidderId: opaqueIdSchema,
    amount: moneySchema.min(1, { error: 'must be at least 1 minor unit' }),
    bidId: opaqueIdSchema.optional(),
  })
  .strict();

export type PlaceBidInput = z.input<typeof placeBidInputSchema>;

/** Input of `buyNow`. */
export const buyNowInputSchema = z
  .object({ auctionId: auctionIdSchema, bidderId: opaqueIdSchema, bidId: opaqueIdSchema.optional() })
  .strict();

export type BuyNowInput = z.input<typeof buyNowInputSchema>;

/** Input of `cancelAuction`: who cancels, and why. */
export const cancelAuctionInputSchema = z
  .object({ by: opaqueIdSchema, reason: freeTextSchema({ max: 500 }).optional() })
  .strict();

export type CancelAuctionInput = z.input<typeof cancelAuctionInputSchema>;

export const auctionStatusSchema = z.enum(['scheduled', 'open', 'closed', 'cancelled']);

/** Input of `listAuctions`: keyset pagination, newest first. */
export const listAuctionsInputSchema = z
  .object({
    status: auctionStatusSchema.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().refine(isListCursor, { error: 'is not one this server gave out' }).optional(),
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
