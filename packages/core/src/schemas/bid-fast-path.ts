import { MAX_AMOUNT } from '../engine/money.js';
import { isAuctionId } from './auction-id.js';
import type { PlaceBidInput } from './input-schemas.js';
import { isOpaqueId } from './opaque-id.js';

const KEYS = new Set(['auctionId', 'bidderId', 'amount', 'bidId']);

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
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1 || amount > MAX_AMOUNT) return false;
  if (!isAuctionId(bid.auctionId) || !isOpaqueId(bid.bidderId)) return false;
  if (bid.bidId !== undefined && !isOpaqueId(bid.bidId)) return false;
  if (Object.getPrototypeOf(bid) !== Object.prototype) return false;
  for (const key in bid) if (!KEYS.has(key)) return false;
  return true;
}
