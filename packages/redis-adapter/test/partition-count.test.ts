import { createAuctionHouse, isOutcryError } from '@outcry/core';
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
    expect(await startOf(createAuctionHouse({ backend: four }))).toBe('started');
    expect(await redis.get(new RedisKeys(prefix).partitionCount())).toBe('4');
    expect(await startOf(createAuctionHouse({ backend: four }))).toBe('started');
    expect(await startOf(createAuctionHouse({ backend: adaptersOf(prefix, 8) }))).toMatch(
      /^INVALID_INPUT: .*laid out for 4 partitions, and this house has 8/,
    );
    // A house whose count differs from its adapters' is refused before anything is recorded.
    expect(() => createAuctionHouse({ backend: four, partitions: 8 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^The house has 8 partitions and its backend 4/),
      }),
    );
  });
});
