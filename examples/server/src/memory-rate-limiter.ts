import type { RateLimit, RateLimiter, RateLimiterStats } from './rate-limiter.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets per key (a user, or an address) in this process: each holds up to `burst` tokens
 * and refills at `perSecond`. A request takes one token; an empty bucket says how long to wait.
 * Full, idle buckets are forgotten when the map grows, so memory follows the active users only.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly #limit: RateLimit;
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxKeys: number;

  constructor(limit: RateLimit, options: { now?: () => number; maxKeys?: number } = {}) {
    this.#limit = limit;
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 50_000;
  }

  /** Takes a token for `key`: 0 when allowed, else the ms to wait until one is free. */
  take(key: string): number {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#maxKeys) this.#forgetIdle(now);
      bucket = { tokens: this.#limit.burst, updatedAt: now };
      this.#buckets.set(key, bucket);
    } else {
      const refill = ((now - bucket.updatedAt) / 1_000) * this.#limit.perSecond;
      bucket.tokens = Math.min(this.#limit.burst, bucket.tokens + refill);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - bucket.tokens) / this.#limit.perSecond) * 1_000);
  }

  /** Buckets currently remembered. */
  get size(): number {
    return this.#buckets.size;
  }

  stats(): RateLimiterStats {
    return { store: 'process', fallingBack: false, localBuckets: this.#buckets.size };
  }

  #forgetIdle(now: number): void {
    const fullAfterMs = (this.#limit.burst / this.#limit.perSecond) * 1_000;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.updatedAt >= fullAfterMs) this.#buckets.delete(key);
    }
    // Everyone active: drop the oldest half rather than grow without bound.
    if (this.#buckets.size >= this.#maxKeys) {
      let drop = this.#buckets.size >> 1;
      for (const key of this.#buckets.keys()) {
        if (drop-- <= 0) break;
        this.#buckets.delete(key);
      }
    }
  }
}
