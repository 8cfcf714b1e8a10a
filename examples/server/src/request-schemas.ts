import {
  auctionIdSchema,
  codePointLength,
  freeTextSchema,
  getBidsInputSchema,
  isAuctionId,
  isOpaqueId,
  listAuctionsInputSchema,
  MAX_AMOUNT,
  moneySchema,
} from '@outcry/core';
import { z } from 'zod';
import { clientBidIdSchema, MAX_CLIENT_BID_ID_LENGTH } from './bid-ids.js';
import { ApiError, type ApiErrorCode } from './http-errors.js';
import { userIdSchema } from './token-signer.js';

/** POST /session */
export const sessionBodySchema = z.object({ userId: userIdSchema }).strict();

/** POST /auctions/:id/bids */
export const bidBodySchema = z
  .object({
    amount: moneySchema.min(1, { error: 'must be at least 1 minor unit' }),
    bidId: clientBidIdSchema.optional(),
  })
  .strict();

/** The query of POST /auctions/:id/bids: `?wait=false` answers 202 at once. */
export const bidQuerySchema = z.object({ wait: z.enum(['true', 'false']).optional() }).strict();

/** POST /auctions/:id/buy-now (the body is optional). */
export const buyNowBodySchema = z.object({ bidId: clientBidIdSchema.optional() }).strict();

/** POST /auctions/:id/cancel (the body is optional). */
export const cancelBodySchema = z.object({ reason: freeTextSchema({ max: 500 }).optional() }).strict();

/** POST /admin/cache/warm (the body is optional): the auctions to load, or the newest open ones. */
export const warmBodySchema = z.object({ auctionIds: z.array(auctionIdSchema).max(1_000).optional() }).strict();

/** GET /auctions */
export const listQuerySchema = listAuctionsInputSchema;

/** GET /auctions/:id/bids */
export const bidsQuerySchema = getBidsInputSchema;

/** Parses `input` or throws a 422 with `code` and the zod issues as details. */
export function parseRequest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: ApiErrorCode,
  what: string,
): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = details[0];
  const where =
    first === undefined ? '' : first.path === '' ? `: ${first.message}` : `: ${first.path} ${first.message}`;
  throw new ApiError(code, `Invalid ${what}${where}`, { details });
}

/** An optional body: a missing one (no content) counts as `{}`. */
export function optionalBody(body: unknown): unknown {
  return body === undefined || body === null ? {} : body;
}

/** True exactly when `clientBidIdSchema` accepts `value`, without zod: the hot path of a bid. */
function isClientBidId(value: unknown): value is string {
  return (
    isOpaqueId(value) &&
    (value.length <= MAX_CLIENT_BID_ID_LENGTH || codePointLength(value) <= MAX_CLIENT_BID_ID_LENGTH)
  );
}

/**
 * The body of POST /auctions/:id/bids. A well-formed one (nearly every bid) is checked by hand,
 * which costs less than zod on the hot path. Anything else goes through `bidBodySchema`, which
 * accepts exactly the same bodies (a test compares them) and words the error.
 */
export function parseBidBody(body: unknown): z.output<typeof bidBodySchema> {
  return isWellFormedBidBody(body) ? body : parseRequest(bidBodySchema, body, 'INVALID_BID', 'bid');
}

function isWellFormedBidBody(body: unknown): body is z.output<typeof bidBodySchema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  for (const key in body) if (key !== 'amount' && key !== 'bidId') return false;
  const { amount, bidId } = body as { amount?: unknown; bidId?: unknown };
  return (
    typeof amount === 'number' &&
    Number.isInteger(amount) &&
    amount >= 1 &&
    amount <= MAX_AMOUNT &&
    (bidId === undefined || isClientBidId(bidId))
  );
}

/** The query of POST /auctions/:id/bids: an empty one (nearly every bid) without zod. */
export function parseBidQuery(query: unknown): z.output<typeof bidQuerySchema> {
  if (typeof query === 'object' && query !== null) {
    let empty = true;
    for (const _ in query) empty = false;
    if (empty) return {};
  }
  return parseRequest(bidQuerySchema, query, 'INVALID_INPUT', 'query');
}

/** An auction id from the path: one that cannot exist is simply not found. */
export function auctionIdOf(params: unknown): string {
  const id = (params as { id?: unknown }).id;
  if (!isAuctionId(id)) {
    throw new ApiError('AUCTION_NOT_FOUND', 'No auction with that id.');
  }
  return id;
}
