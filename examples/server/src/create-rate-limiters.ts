import type { FastifyBaseLogger } from 'fastify';
import type { Cluster, Redis } from 'ioredis';
import type { ServerConfig } from './config.js';
import { FallbackRateLimiter } from './fallback-rate-limiter.js';
import { MemoryRateLimiter } from './memory-rate-limiter.js';
import type { RateLimit, RateLimiter } from './rate-limiter.js';
import { RedisRateLimiter } from './redis-rate-limiter.js';

/** The server's two limits: bids (HTTP and WebSocket, per user) and other writes. */
export interface RateLimiters {
  readonly bids: RateLimiter;
  readonly writes: RateLimiter;
}

/**
 * The limiters for `config`: in Redis (under `<REDIS_PREFIX>rate:`, falling back to this process
 * when Redis fails) when the store has a Redis client and RATE_LIMIT_STORE is `shared`; in this
 * process otherwise.
 */
export function createRateLimiters(
  config: ServerConfig,
  redis: Redis | Cluster | null,
  log: Pick<FastifyBaseLogger, 'warn' | 'info'>,
): RateLimiters {
  const create = (name: string, limit: RateLimit): RateLimiter => {
    if (redis === null || config.rateLimitStore === 'process') return new MemoryRateLimiter(limit);
    return new FallbackRateLimiter({
      shared: new RedisRateLimiter(redis, limit, `${config.redisPrefix}rate:${name}:`),
      local: new MemoryRateLimiter(limit),
      log,
      name,
    });
  };
  return { bids: create('bids', config.bidRate), writes: create('writes', config.writeRate) };
}
