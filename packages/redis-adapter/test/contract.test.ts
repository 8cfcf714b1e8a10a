import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe } from 'vitest';
import { describeRedisContracts } from './support/contract-suites.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the contract suites');
const prefix = uniquePrefix('contract:');

describe.skipIf(!up)('Redis adapters meet the contracts of @outcry/core', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });
  describeRedisContracts(() => redis, prefix);
});
