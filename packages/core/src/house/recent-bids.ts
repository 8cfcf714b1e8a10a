import type { RecordedBid } from '../engine/idempotency.js';

/**
 * The bidIds a sequencer judged lately, for idempotency without a store read. Bounded: the
 * oldest are forgotten first, and then the store's outcome index answers instead.
 */
export class RecentBids {
  readonly #bids = new Map<string, RecordedBid>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(bidId: string): RecordedBid | undefined {
    return this.#bids.get(bidId);
  }

  set(bidId: string, bid: RecordedBid): void {
    this.#bids.set(bidId, bid);
    if (this.#bids.size > this.#capacity) {
      const oldest = this.#bids.keys().next();
      if (oldest.done !== true) this.#bids.delete(oldest.value);
    }
  }

  delete(bidId: string): void {
    this.#bids.delete(bidId);
  }
}
