import { createServer } from 'node:net';
import { deleteMatching } from '@outcry/redis-adapter';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FallbackRateLimiter } from '../src/fallback-rate-limiter.js';
import { MemoryRateLimiter } from '../src/memory-rate-limiter.js';
import { RedisRateLimiter } from '../src/redis-rate-limiter.js';
import { REDIS_URL, servicesRequired } from './support/services.js';

const LIMIT = { perSecond: 20, burst: 5 };
const prefix = `outcry_limiter_${process.pid}_${Math.random().toString(36).slice(2, 8)}:`;

/** A port nothing listens on: one the system just gave and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A logger that keeps its lines. */
function recordingLog() {
  const lines: Array<{ level: 'warn' | 'info'; message: string }> = [];
  return {
    lines,
    warn: (_object: unknown, message?: string) => lines.push({ level: 'warn', message: message ?? '' }),
    info: (_object: unknown, message?: string) => lines.push({ level: 'info', message: message ?? '' }),
  };
}

async function takeMany(limiter: { take(key: string): number | Promise<number> }, key: string, count: number) {
  const waits: number[] = [];
  for (let i = 0; i < count; i++) waits.push(await limiter.take(key));
  return waits;
}

let redis: Redis;
let other: Redis;
let reachable = true;
beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, enableAutoPipelining: true, maxRetriesPerRequest: 1 });
  other = new Redis(REDIS_URL, { lazyConnect: true, enableAutoPipelining: true, maxRetriesPerRequest: 1 });
  try {
    await Promise.all([redis.connect(), other.connect()]);
  } catch (error) {
    if (servicesRequired) throw error;
    reachable = false;
    console.warn(`[server] SKIPPING the Redis rate limiter tests: Redis at ${REDIS_URL} does not answer.`);
  }
});
afterAll(async () => {
  if (reachable) await deleteMatching(redis, `${prefix}*`);
  redis.disconnect();
  other.disconnect();
});

describe('RedisRateLimiter', () => {
  it('gives the burst, then the wait until a token is free, and refills at the rate', async (context) => {
    if (!reachable) context.skip();
    const limiter = new RedisRateLimiter(redis, LIMIT, `${prefix}a:`);
    const waits = await takeMany(limiter, 'bob', 7);
    expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    // 20 a second: one token every 50 ms
    for (const wait of waits.slice(5)) {
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(50);
    }
    await new Promise((resolve) => setTimeout(resolve, (waits[6] as number) + 5));
    expect(await limiter.take('bob')).toBe(0);
    expect(await limiter.take('carol')).toBe(0);
    // The bucket expires once it would be full again.
    const ttl = await redis.pttl(`${prefix}a:bob`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5 * 50 + 1_000);
  });

  it('is one bucket per key for every client on the same Redis and prefix', async (context) => {
    if (!reachable) context.skip();
    const first = new RedisRateLimiter(redis, LIMIT, `${prefix}b:`);
    const second = new RedisRateLimiter(other, LIMIT, `${prefix}b:`);
    const waits = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? first : second).take('bob')));
    expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
  });
});

describe('FallbackRateLimiter', () => {
  it('limits in this process when its Redis is not reachable, and logs it once', async () => {
    const unreachable = new Redis({ host: '127.0.0.1', port: await closedPort(), retryStrategy: () => 100 });
    unreachable.on('error', () => undefined);
    const log = recordingLog();
    try {
      const limiter = new FallbackRateLimiter({
        shared: new RedisRateLimiter(unreachable, LIMIT, `${prefix}c:`),
        local: new MemoryRateLimiter(LIMIT),
        log,
        name: 'bids',
      });
      const waits = await takeMany(limiter, 'bob', 7);
      expect(waits.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
      expect(waits[5]).toBeGreaterThan(0);
      expect(await limiter.take('carol')).toBe(0);
      expect(log.lines).toEqual([{ level: 'warn', message: expect.stringContaining('limiting in this process') }]);
      expect(limiter.stats()).toEqual({ store: 'redis', fallingBack: true, localBuckets: 2 });
    } finally {
      unreachable.disconnect();
    }
  });

  it('falls back when Redis answers with an error, and shares again once it answers', async (context) => {
    if (!reachable) context.skip();
    const log = recordingLog();
    const limiter = new FallbackRateLimiter({
      shared: new RedisRateLimiter(redis, LIMIT, `${prefix}d:`),
      local: new MemoryRateLimiter(LIMIT),
      log,
      name: 'bids',
    });
    await redis.set(`${prefix}d:bob`, 'not a bucket');
    expect(await takeMany(limiter, 'bob', 3)).toEqual([0, 0, 0]);
    expect(limiter.stats().fallingBack).toBe(true);
    await redis.del(`${prefix}d:bob`);
    expect(await limiter.take('bob')).toBe(0);
    expect(limiter.stats().fallingBack).toBe(false);
    expect(await redis.hget(`${prefix}d:bob`, 'tokens')).not.toBeNull();
    expect(log.lines.map((line) => line.level)).toEqual(['warn', 'info']);
  });
});
