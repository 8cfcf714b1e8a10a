import { z } from 'zod';

/** The longest auction id, in characters. */
export const MAX_AUCTION_ID_LENGTH = 128;

const AUCTION_ID = /^[\w.:@-]{1,128}$/;

/**
 * True when `value` is an auction id: 1 to 128 ASCII letters, digits and `_ . : @ -`. Auction
 * ids go into URL paths and store keys as they are, so their alphabet stays that small.
 */
export function isAuctionId(value: unknown): value is string {
  return typeof value === 'string' && AUCTION_ID.test(value);
}

/** An auction id (`id` at create, every `auctionId`): see `isAuctionId`. */
export const auctionIdSchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(MAX_AUCTION_ID_LENGTH, { error: `must be at most ${MAX_AUCTION_ID_LENGTH} characters` })
  .regex(/^[\w.:@-]*$/, { error: 'may hold ASCII letters, digits and _ . : @ - only' })
  .describe('1 to 128 ASCII letters, digits and _ . : @ -.');
