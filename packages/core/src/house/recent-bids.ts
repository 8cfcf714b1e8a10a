import type { RecordedBid } from '../engine/idempotency.js';

/**
 * The bidIds a sequencer judged lately, for idempotency without a store read. Bounded by two
 * generations: when the young one is full it becomes the old one and the previous old one is
 * dropped whole. Evicting one key at a time from a Map would walk over the holes that
 * deletions leave at its front, making every insert O(capacity).
 */
export class RecentBids {
  #young = new Map<string, RecordedBid>();
  #old = new Map<string, RecordedBid>();
  readonly #generation: number;

  /** Remembers at least `capacity / 2` and at most `capacity` bids. */
  constructor(capacity: number) {
    this.#generation = Math.max(1, Math.ceil(capacity / 2));
  }

  get(bidId: string): RecordedBid | undefined {
    return this.#young.get(bidId) ?? this.#old.get(bidId);
  }

  set(bidId: string, bid: RecordedBid): void {
    if (this.#young.size >= this.#generation) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(bidId, bid);
  }

  delete(bidId: string): void {
    this.#young.delete(bidId);
    this.#old.delete(bidId);
  }
}
