import type { PlaceBidInput } from './input-schemas.js';

const ID = /^[\w.:@-]{1,128}$/;
const KEYS = new Set(['auctionId', 'bidderId', 'amount', 'bidId']);

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}

/**
 * True exactly when `placeBidInputSchema` accepts `input` unchanged. Checked by hand because a
 * bid crosses this boundary hundreds of thousands of times a second and most bids are well
 * formed; anything this rejects goes through zod for the error details. A property test keeps
 * the two in step.
 */
export function isWellFormedBid(input: unknown): input is PlaceBidInput & { amount: number } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const bid = input as Record<string, unknown>;
  const amount = bid.amount;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 1) return false;
  if (!isId(bid.auctionId) || !isId(bid.bidderId)) return false;
  if (bid.bidId !== undefined && !isId(bid.bidId)) return false;
  if (Object.getPrototypeOf(bid) !== Object.prototype) return false;
  for (const key in bid) if (!KEYS.has(key)) return false;
  return true;
}
