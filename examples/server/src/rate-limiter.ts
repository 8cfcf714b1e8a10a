/** Steady rate and burst of one token bucket. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/** What /admin/stats shows of a limiter. */
export interface RateLimiterStats {
  /** Where the buckets live: `redis` (one per key for every process on that Redis) or `process`. */
  readonly store: 'redis' | 'process';
  /** A Redis limiter whose Redis failed: this process's own buckets answer until it is back. */
  readonly fallingBack: boolean;
  /** Buckets held in this process. */
  readonly localBuckets: number;
}

/**
 * Token buckets per key (a user, or an address): a request takes one token. Never rejects: a
 * limiter whose store fails answers from somewhere else (see FallbackRateLimiter).
 */
export interface RateLimiter {
  /** Takes one token for `key`: 0 when the request may go ahead, else the ms until a token is free. */
  take(key: string): number | Promise<number>;
  stats(): RateLimiterStats;
}
