import type { FastifyBaseLogger } from 'fastify';
import type { MemoryRateLimiter } from './memory-rate-limiter.js';
import type { RateLimiter, RateLimiterStats } from './rate-limiter.js';
import type { RedisRateLimiter } from './redis-rate-limiter.js';

/**
 * The Redis limiter, shared by every process, with this process's own buckets for when Redis
 * fails: a limiter outage must not refuse every bid (the bids then meet the store, which says
 * whether it can take them). While it falls back each process limits on its own. The switch
 * is logged once each way (warn, then info), not per request.
 */
export class FallbackRateLimiter implements RateLimiter {
  readonly #shared: RedisRateLimiter;
  readonly #local: MemoryRateLimiter;
  readonly #log: Pick<FastifyBaseLogger, 'warn' | 'info'>;
  readonly #name: string;
  #fallingBack = false;

  constructor(options: {
    shared: RedisRateLimiter;
    local: MemoryRateLimiter;
    log: Pick<FastifyBaseLogger, 'warn' | 'info'>;
    /** Which limit this is, in the log lines (bids, writes). */
    name: string;
  }) {
    this.#shared = options.shared;
    this.#local = options.local;
    this.#log = options.log;
    this.#name = options.name;
  }

  take(key: string): number | Promise<number> {
    if (!this.#shared.ready) return this.#fallBack(key, null);
    return this.#shared.take(key).then(
      (waitMs) => {
        if (this.#fallingBack) this.#recover();
        return waitMs;
      },
      (error: unknown) => this.#fallBack(key, error),
    );
  }

  stats(): RateLimiterStats {
    return { store: 'redis', fallingBack: this.#fallingBack, localBuckets: this.#local.size };
  }

  #fallBack(key: string, error: unknown): number {
    if (!this.#fallingBack) {
      this.#fallingBack = true;
      this.#log.warn(
        { err: error ?? undefined, limiter: this.#name },
        `rate limits (${this.#name}): Redis ${error === null ? 'is not connected' : 'failed'}; limiting in this process until it answers`,
      );
    }
    return this.#local.take(key);
  }

  #recover(): void {
    this.#fallingBack = false;
    this.#log.info(
      { limiter: this.#name },
      `rate limits (${this.#name}): Redis answers again; limits are shared again`,
    );
  }
}
