import { auctionStatusSchema, moneySchema } from '@outcry/core';
import { z } from 'zod';
import { ALL_ERROR_CODES } from './http-errors.js';

/**
 * The answers of the routes, as zod schemas: /openapi.json documents them (`z.toJSONSchema`), and
 * the tests parse real answers with them, so the reference cannot drift from what the server sends.
 * Objects are strict: a field the server adds or drops fails those tests until documented.
 */

const instant = z.int().min(0).meta({ description: 'Milliseconds since the Unix epoch.' });
const money = moneySchema.meta({ description: 'Integer minor units (cents).' });

const auctionResultSchema = z
  .object({
    outcome: z.enum(['sold', 'unsold', 'reserve-not-met', 'bought-now', 'cancelled']),
    winnerId: z.string().nullable(),
    price: money.nullable(),
  })
  .strict()
  .meta({ description: 'How the auction ended: null until it closes or is cancelled.' });

/** What an auction looks like: the reference shows it as the example answer. */
const AUCTION_EXAMPLE = {
  id: 'a-5f0c2a8e-3b1d-4c52-9a57-2f1e0c7d9b10',
  sellerId: 'sam',
  title: 'Leica M3 with 50mm Summicron',
  currency: 'USD',
  status: 'open',
  startingPrice: 30_000,
  price: 42_500,
  leaderId: 'alice',
  bidCount: 4,
  minimumBid: 43_500,
  reserveMet: false,
  hasReserve: true,
  buyNowPrice: null,
  buyNowAvailable: false,
  startsAt: 1_767_225_600_000,
  endsAt: 1_767_226_230_000,
  originalEndsAt: 1_767_226_200_000,
  extensions: 1,
  seq: 6,
  result: null,
  metadata: null,
};

export const publicAuctionSchema = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    title: z.string(),
    currency: z.string().meta({ description: 'ISO 4217 code; its minor unit is what amounts count.' }),
    status: auctionStatusSchema,
    startingPrice: money,
    price: money.meta({ description: 'The current price (the starting price until a bid).' }),
    leaderId: z.string().nullable(),
    bidCount: z.int().min(0),
    minimumBid: money.nullable().meta({ description: 'The least a new bid may be; null once ended.' }),
    reserveMet: z.boolean(),
    hasReserve: z.boolean().meta({ description: 'Whether there is a reserve: its amount is never shown.' }),
    buyNowPrice: money.nullable(),
    buyNowAvailable: z.boolean(),
    startsAt: instant,
    endsAt: instant.meta({ description: 'The end, moved later by soft-close extensions.' }),
    originalEndsAt: instant,
    extensions: z.int().min(0),
    seq: z.int().min(0).meta({ description: 'Increases by one on every change.' }),
    result: auctionResultSchema.nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
  })
  .strict()
  .meta({
    description: "The public view of an auction: never a bidder's maximum, never the reserve amount.",
    examples: [AUCTION_EXAMPLE],
  });

export const auctionPageSchema = z
  .object({
    items: z.array(publicAuctionSchema),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null at the end.' }),
  })
  .strict();

export const bidHistorySchema = z
  .object({
    items: z.array(
      z
        .object({
          seq: z.int().min(0),
          bidId: z.string(),
          bidderId: z.string(),
          price: money.meta({ description: 'The price after this bid (never the maximum bid).' }),
          leaderId: z.string().nullable(),
          at: instant,
          buyNow: z.boolean(),
        })
        .strict(),
    ),
  })
  .strict();

export const auctionStatsSchema = z
  .object({
    bidCount: z.int().min(0),
    uniqueBidders: z.int().min(0),
    startingPrice: money,
    price: money,
    priceIncrease: money,
    priceIncreasePct: z.number().nullable().meta({ description: 'Percent; null when the starting price is 0.' }),
    extensions: z.int().min(0),
    timeLeftMs: z.int().min(0),
  })
  .strict();

export const sessionSchema = z
  .object({ token: z.string(), userId: z.string(), expiresAt: instant })
  .strict()
  .meta({ description: 'Send the token as `Authorization: Bearer <token>`.' });

export const bidAcceptedSchema = z
  .object({
    status: z.literal('accepted'),
    bidId: z.string(),
    auctionId: z.string(),
    seq: z.int().min(0),
    price: money,
    leaderId: z.string().nullable(),
    leading: z.boolean().meta({ description: 'Whether this bidder leads after the bid.' }),
    endsAt: instant,
    minimumBid: money.nullable(),
  })
  .strict();

export const bidRejectedSchema = z
  .object({
    status: z.literal('rejected'),
    bidId: z.string(),
    auctionId: z.string(),
    code: z.string(),
    message: z.string(),
    minimumBid: money.optional(),
    details: z.unknown().optional(),
  })
  .strict();

export const bidOutcomeSchema = z.discriminatedUnion('status', [bidAcceptedSchema, bidRejectedSchema]);

export const pendingBidSchema = z.object({ bidId: z.string(), status: z.literal('pending') }).strict();

export const errorSchema = z
  .object({
    error: z
      .object({
        code: z.enum(ALL_ERROR_CODES as [string, ...string[]]),
        message: z.string(),
        details: z.unknown().optional().meta({
          description:
            'For invalid input, `[{ path, message }]` (one per problem, `path` like `softClose.windowMs`); for a refused bid, its outcome.',
        }),
      })
      .strict(),
  })
  .strict();

export const healthSchema = z.object({ status: z.literal('ok'), uptimeMs: z.int().min(0) }).strict();

export const readinessSchema = z
  .object({
    status: z.enum(['ready', 'not-ready']),
    checks: z.record(z.string(), z.string()).meta({ description: "'ok', or what fails, per dependency." }),
    error: z.unknown().optional(),
  })
  .strict();

const partitionsSchema = z
  .object({
    total: z.int().min(1).meta({ description: "The house's partition count: an auction is in partitionOf(id, total)." }),
    owned: z.array(z.int().min(0)).meta({ description: 'The partitions this process sequences now.' }),
  })
  .strict();

/** Admin figures: their shape follows the house's metrics. */
const figuresSchema = z.record(z.string(), z.unknown());

/** The named schemas of /openapi.json's components, by name. */
export const RESPONSE_SCHEMAS = {
  Auction: publicAuctionSchema,
  AuctionResult: auctionResultSchema,
  AuctionPage: auctionPageSchema,
  BidHistory: bidHistorySchema,
  AuctionStats: auctionStatsSchema,
  Session: sessionSchema,
  BidAccepted: bidAcceptedSchema,
  BidRejected: bidRejectedSchema,
  BidOutcome: bidOutcomeSchema,
  PendingBid: pendingBidSchema,
  Error: errorSchema,
  Health: healthSchema,
  Readiness: readinessSchema,
  Partitions: partitionsSchema,
  Figures: figuresSchema,
} as const;
