/**
 * Outcomes of the bids a queue read just delivered, looked up by the read script in the same
 * round trip, for the store's `getOutcomes` that the sequencer sends right after the read. An
 * answer here is as fresh as one the store would fetch: it was read when the entries were
 * delivered, and only this partition's sequencer, which waits for it, commits their outcomes.
 */
export class OutcomePrefetch {
  /** Per partition, the lookups of its latest read: bidId -> outcome JSON or null (none stored). */
  readonly #byPartition = new Map<number, Map<string, string | null>>();

  /** The lookups of a new read of `partition`; they replace the previous read's. */
  put(partition: number, bidIds: readonly string[], outcomes: readonly (string | null | undefined)[]): void {
    const lookups = new Map<string, string | null>();
    bidIds.forEach((bidId, i) => {
      lookups.set(bidId, outcomes[i] ?? null);
    });
    this.#byPartition.set(partition, lookups);
  }

  /** The prefetched outcome JSON, null when known to be absent, undefined when not prefetched. */
  get(bidId: string): string | null | undefined {
    for (const lookups of this.#byPartition.values()) {
      const found = lookups.get(bidId);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Drops lookups that a commit made stale. */
  forget(bidIds: Iterable<string>): void {
    if (this.#byPartition.size === 0) return;
    for (const bidId of bidIds) for (const lookups of this.#byPartition.values()) lookups.delete(bidId);
  }

  /** Drops a partition's lookups (its read failed or went elsewhere). */
  clear(partition: number): void {
    this.#byPartition.delete(partition);
  }
}
