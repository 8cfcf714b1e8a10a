import type { AuctionSpec } from '@outcry/core';

/**
 * The specs of auctions read lately. A spec is written once, when its auction is created, and
 * never changes, so a read of a state whose spec is here fetches only the state's live part:
 * a third of the bytes, and one JSON parse of a few fields instead of the whole spec. Holds at
 * least `capacity / 2` and at most `capacity` specs (the older half is dropped when full).
 */
export class SpecCache {
  #young = new Map<string, AuctionSpec>();
  #old = new Map<string, AuctionSpec>();
  readonly #generation: number;

  constructor(capacity: number) {
    this.#generation = Math.max(1, Math.ceil(capacity / 2));
  }

  get(auctionId: string): AuctionSpec | undefined {
    return this.#young.get(auctionId) ?? this.#old.get(auctionId);
  }

  set(spec: AuctionSpec): void {
    if (this.#young.size >= this.#generation) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(spec.id, spec);
  }
}
