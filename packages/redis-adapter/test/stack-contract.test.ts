import { describeStackContract } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { describe } from 'vitest';
import { redisStack } from './support/redis-stack.js';
import { REDIS_URL, redisIsUp } from './support/redis-test-env.js';

const up = await redisIsUp('the stack contract');

describe.skipIf(!up)('Redis adapters', () => {
  describeStackContract(
    'everything on Redis',
    redisStack(() => new Redis(REDIS_URL)),
  );
});
