import { isOutcryError } from '@outcry/core';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisAdapters } from '../src/create-redis-adapters.js';

const refusal = (make: () => unknown): string | undefined => {
  try {
    make();
  } catch (error) {
    return isOutcryError(error) ? `${error.code}: ${error.message}` : String(error);
  }
  return undefined;
};

describe('createRedisAdapters, given what it cannot run on', () => {
  it('refuses a partition count outside 1..4096 with INVALID_INPUT', () => {
    const redis = new Redis({ lazyConnect: true });
    for (const partitions of [0, 4097, 1.5]) {
      expect(refusal(() => createRedisAdapters({ redis, partitions }))).toMatch(/^INVALID_INPUT: partitions/);
    }
    redis.disconnect();
  });

  it("refuses a client with a keyPrefix (channels would miss it) with INVALID_INPUT, naming the 'prefix' option", () => {
    const redis = new Redis({ lazyConnect: true, keyPrefix: 'app:' });
    expect(refusal(() => createRedisAdapters({ redis }))).toMatch(/^INVALID_INPUT: .*keyPrefix.*'prefix' option/);
    redis.disconnect();
  });
});
