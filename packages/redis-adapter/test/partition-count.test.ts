import { createAuctionHouse, isOutcryError, partitionOf } from '@outcry/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters, type RedisAdapters } from '../src/create-redis-adapters.js';
import { RedisKeys } from '../src/keys.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the partition count tests');

/** The code and message a house's start fails with, or 'started'. */
async function startOf(house: ReturnType<typeof createAuctionHouse>): Promise<string> {
  try {
    await house.start();
    return 'started';
  } catch (error) {
    return isOutcryError(error) ? `${error.code}: ${error.message}` : String(error);
  } finally {
    await house.stop();
  }
}

describe.skipIf(!up)('the partition count of a prefix', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const open: RedisAdapters[] = [];
  const adaptersOf = (prefix: string, partitions: number) => {
    const adapters = createRedisAdapters({ redis, prefix, partitions });
    open.push(adapters);
    return adapters;
  };
  const freshPrefix = () => {
    const prefix = uniquePrefix('partition-count:');
    prefixes.push(prefix);
    return prefix;
  };
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    for (const adapters of open) await adapters.close();
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('is recorded by the first house, and a house with another count is refused at start', async () => {
    const prefix = freshPrefix();
    const four = adaptersOf(prefix, 4);
    expect(await startOf(createAuctionHouse({ ...four }))).toBe('started');
    expect(await redis.get(new RedisKeys(prefix).partitionCount())).toBe('4');
    expect(await startOf(createAuctionHouse({ ...four }))).toBe('started');
    expect(await startOf(createAuctionHouse({ ...adaptersOf(prefix, 8) }))).toMatch(
      /^INVALID_INPUT: .*laid out for 4 partitions, and this house has 8/,
    );
    // A house whose count differs from its adapters' is refused before anything is recorded.
    expect(await startOf(createAuctionHouse({ ...four, partitions: 8 }))).toMatch(
      /^INVALID_INPUT: The house has 8 partitions and the Redis adapters 4/,
    );
  });

  it('refuses a smaller count on data written before counts were recorded by houses with more', async () => {
    const prefix = freshPrefix();
    const wide = adaptersOf(prefix, 16);
    const house = createAuctionHouse({ ...wide });
    await house.start();
    // Auctions until one lives in a partition the narrow count does not have.
    for (let i = 0; ; i++) {
      const auction = await house.createAuction({
        sellerId: 'seller',
        title: `Lot ${i}`,
        currency: 'USD',
        startingPrice: 1_000,
        endsAt: Date.now() + 60_000,
      });
      if (partitionOf(auction.id, 16) >= 4) break;
    }
    await house.stop();
    // As data written before the count was kept: the data is there, no count.
    await redis.del(new RedisKeys(prefix).partitionCount());
    expect(await startOf(createAuctionHouse({ ...adaptersOf(prefix, 4) }))).toMatch(
      /^INVALID_INPUT: This prefix holds data of partitions beyond the 4 of this house/,
    );
    expect(await startOf(createAuctionHouse({ ...wide }))).toBe('started');
    expect(await redis.get(new RedisKeys(prefix).partitionCount())).toBe('16');
  });
});
