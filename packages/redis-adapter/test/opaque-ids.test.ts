import { createAuctionHouse } from '@outcry/core';
import { describeOpaqueIdRoundTrip } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { createRedisAdapters } from '../src/create-redis-adapters.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the opaque id round trip');
const prefix = uniquePrefix('opaque:');

describe.skipIf(!up)('Redis adapters keep user ids and bidIds byte for byte', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  describeOpaqueIdRoundTrip(async () => {
    const adapters = createRedisAdapters({ redis, prefix, partitions: 4 });
    // Another instance reads back what the house wrote, as another process would.
    const reader = createRedisAdapters({ redis, prefix, partitions: 4 });
    const house = createAuctionHouse({ backend: adapters, partitions: 4 });
    const watcher = createAuctionHouse({ backend: reader, partitions: 4 });
    await house.start();
    await watcher.start();
    return {
      house,
      store: reader.store,
      watcher,
      async close() {
        await house.stop();
        await watcher.stop();
        await adapters.close();
        await reader.close();
      },
    };
  });
});
