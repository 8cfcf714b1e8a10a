import type { PublicBid } from '@outcry/core';
import { toClientBidId } from '@outcry/ws-adapter';
import { z } from 'zod';

/**
 * A bidId as clients send it: core's id alphabet, at most 64 characters. The house stores it as
 * `<userId>:<bidId>` (user ids have no ':'; `toStoredBidId`), which does two things: each user has
 * idempotency keys of their own (another user's key neither collides nor reveals an outcome), and
 * GET /bids/:bidId finds only the caller's bids, because it looks up the caller's prefix.
 */
export const clientBidIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.:@-]+$/, { error: 'may hold letters, digits and . _ : @ - only' });

/** The per-user bidId scheme, shared with the WebSocket gateway: one bid whichever way it came. */
export { toClientBidId, toClientOutcome, toStoredBidId } from '@outcry/ws-adapter';

/** A history row with the bidder's own prefix taken off its bidId. */
export function toClientHistoryRow(bid: PublicBid): PublicBid {
  return { ...bid, bidId: toClientBidId(bid.bidderId, bid.bidId) };
}

/**
 * BidIds taken with `?wait=false` and not judged yet, remembered by this process so that
 * GET /bids/:bidId can answer "pending" rather than "not found". Bounded: the oldest go first.
 */
export class PendingBids {
  readonly #ids = new Set<string>();
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  add(storedBidId: string): void {
    if (this.#ids.size >= this.#max) {
      const oldest = this.#ids.values().next();
      if (oldest.done !== true) this.#ids.delete(oldest.value);
    }
    this.#ids.add(storedBidId);
  }

  has(storedBidId: string): boolean {
    return this.#ids.has(storedBidId);
  }

  delete(storedBidId: string): void {
    this.#ids.delete(storedBidId);
  }
}
