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

  // A house refused by a prefix laid out for another count is in core's stack contract.
  it('is refused before anything is recorded when the house and its adapters differ, then recorded by the first house', async () => {
    const prefix = freshPrefix();
    const four = adaptersOf(prefix, 4);
    const recorded = () => redis.get(new RedisKeys(prefix, 4).partitionCount());
    expect(() => createAuctionHouse({ backend: four, partitions: 8 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^The house has 8 partitions and its backend 4/),
      }),
    );
    expect(await recorded()).toBeNull();
    expect(await startOf(createAuctionHouse({ backend: four }))).toBe('started');
    expect(await recorded()).toBe('4');
  });

  it("refuses a bare store's reads under another count than the recorded one, which would find nothing", async () => {
    const prefix = freshPrefix();
    const fresh = adaptersOf(prefix, 12).store;
    // Nothing recorded yet: any count reads.
    expect(await fresh.getMany(['a-1'])).toEqual([null]);
    expect(await startOf(createAuctionHouse({ backend: adaptersOf(prefix, 4) }))).toBe('started');
    // The store that read before the count was recorded is refused too.
    const twelve = fresh;
    for (const read of [() => twelve.getMany(['a-1']), () => twelve.getOutcomes(['b-1']), () => twelve.listActive(0)])
      await expect(read()).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/laid out for 4 partitions/),
      });
    expect(await adaptersOf(prefix, 4).store.getMany(['a-1'])).toEqual([null]);
  });
});
