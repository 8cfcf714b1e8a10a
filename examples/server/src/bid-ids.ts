import type { PublicBid } from '@outcry/core';
import { toClientBidId } from '@outcry/ws-adapter';

/**
 * The per-user bidId scheme, shared with the WebSocket gateway: one bid whichever way it came.
 * A bidId as clients send it is any text without control characters, at most 128 characters
 * (`clientBidIdSchema`). The house stores it as `<len>:<userId>:<bidId>` (`toStoredBidId`; `<len>`
 * is the user id's length, so the split is unambiguous whatever the ids hold), which does two
 * things: each user has idempotency keys of their own (another user's key neither collides nor
 * reveals an outcome), and GET /bids/:bidId finds only the caller's bids, because it looks up
 * the caller's prefix.
 */
export { clientBidIdSchema, MAX_CLIENT_BID_ID_LENGTH, toClientOutcome, toStoredBidId } from '@outcry/ws-adapter';

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
