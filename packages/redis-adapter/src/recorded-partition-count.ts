import { OutcryError } from '@outcry/core';
import { partitionCountMismatch } from '@outcry/core/adapter-kit';
import type { RedisKeys } from './keys.js';
import { type RedisClient, whenConnected } from './redis-client.js';

/** How long a starting house waits for a connection before it says Redis is down. */
const CONNECT_WAIT_MS = 5_000;

/**
 * The partition count a prefix's data is laid out for (`<prefix>partition-count`), recorded by
 * the first house, and this store's own: an auction's keys live under its partition, so a store
 * with another count would look under the wrong keys and find nothing.
 */
export class RecordedPartitionCount {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #partitions: number;
  /** Set once the recorded count is known to be this store's: it never changes after. */
  #agreed = false;
  /** The look in progress, shared by the reads waiting for it. */
  #looking: Promise<void> | null = null;

  constructor(redis: RedisClient, keys: RedisKeys, partitions: number) {
    this.#redis = redis;
    this.#keys = keys;
    this.#partitions = partitions;
  }

  /**
   * A starting house's check: the first house records its count; another count is refused, and
   * so is a house whose count differs from the adapters'.
   */
  async record(partitions: number): Promise<void> {
    if (partitions !== this.#partitions) {
      throw new OutcryError(
        'INVALID_INPUT',
        `The house has ${partitions} partitions and the Redis adapters ${this.#partitions}: give both the same count (leave the house's partitions out: it takes the backend's).`,
        { details: { house: partitions, adapters: this.#partitions } },
      );
    }
    // The first call a starting house makes: a Redis that is down is said so at once.
    await whenConnected(this.#redis, CONNECT_WAIT_MS);
    const key = this.#keys.partitionCount();
    let recorded = await this.#redis.get(key);
    // Two houses starting at once: the first SET wins, the other compares against it.
    if (recorded === null && (await this.#redis.set(key, String(partitions), 'NX')) === null)
      recorded = await this.#redis.get(key);
    this.#agree(recorded);
  }

  /**
   * Before a read: null once the count is known to agree (nothing to wait for), else a look at
   * the recorded count that rejects with INVALID_INPUT when it differs. Until a count is recorded
   * (and after a failed look) every read looks again.
   */
  checked(): Promise<void> | null {
    if (this.#agreed) return null;
    this.#looking ??= this.#redis.get(this.#keys.partitionCount()).then(
      (recorded) => {
        this.#looking = null;
        this.#agree(recorded);
      },
      (error: unknown) => {
        this.#looking = null;
        throw error;
      },
    );
    return this.#looking;
  }

  #agree(recorded: string | null): void {
    if (recorded === null) return;
    if (Number(recorded) !== this.#partitions) throw partitionCountMismatch(Number(recorded), this.#partitions);
    this.#agreed = true;
  }
}
