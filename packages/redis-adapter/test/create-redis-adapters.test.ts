import { createAuctionHouse, createMemoryBackend, DEFAULT_SHARED_PARTITIONS, isOutcryError } from '@outcry/core';
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

  it('refuses a listener check interval that is not a positive integer with INVALID_INPUT', () => {
    const redis = new Redis({ lazyConnect: true });
    for (const listenerCheckMs of [0, -5, 2.5, Number.NaN]) {
      expect(refusal(() => createRedisAdapters({ redis, listenerCheckMs }))).toMatch(/^INVALID_INPUT: listenerCheckMs/);
    }
    redis.disconnect();
  });

  it('defaults to the partition count a house on shared stores defaults to', () => {
    const redis = new Redis({ lazyConnect: true });
    const house = createAuctionHouse({ backend: createMemoryBackend() });
    expect(createRedisAdapters({ redis }).partitions).toBe(house.partitions);
    expect(house.partitions).toBe(DEFAULT_SHARED_PARTITIONS);
    redis.disconnect();
  });

  it("refuses a client with a keyPrefix (channels would miss it) with INVALID_INPUT, naming the 'prefix' option", () => {
    const redis = new Redis({ lazyConnect: true, keyPrefix: 'app:' });
    expect(refusal(() => createRedisAdapters({ redis }))).toMatch(/^INVALID_INPUT: .*keyPrefix.*'prefix' option/);
    redis.disconnect();
  });
});

describe('a house starting on a Redis that is down', () => {
  it('fails with UNAVAILABLE naming the address and the cause, without waiting out ioredis retries', async () => {
    const redis = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 20 });
    const adapters = createRedisAdapters({ redis, prefix: 'down:' });
    const house = createAuctionHouse({ backend: adapters });
    let caught: unknown;
    try {
      await house.start();
    } catch (error) {
      caught = error;
    } finally {
      redis.disconnect();
      await adapters.close();
    }
    expect(isOutcryError(caught) && caught.code).toBe('UNAVAILABLE');
    expect((caught as Error).message).toBe('Redis at 127.0.0.1:1 does not answer (connect ECONNREFUSED 127.0.0.1:1).');
  });
});
