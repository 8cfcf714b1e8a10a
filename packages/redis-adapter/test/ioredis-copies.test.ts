import { isOutcryError } from '@outcry/core';
import { Redis } from 'ioredis';
import { Cluster as OtherCluster, Redis as OtherRedis } from 'ioredis-6';
import { describe, expect, it } from 'vitest';
import { createRedisAdapters } from '../src/create-redis-adapters.js';

// This project's `ioredis` is 5 and `ioredis-6` another copy: a client of one cannot carry the
// commands the other builds (they fail inside ioredis, and a caller would only see a timeout).
describe('createRedisAdapters, given a client of another copy of ioredis', () => {
  it('refuses it at creation with INVALID_INPUT that says ioredis is a peer dependency', () => {
    expect(OtherRedis).not.toBe(Redis);
    const clients = [
      new OtherRedis({ lazyConnect: true }),
      new OtherCluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true }),
    ];
    for (const redis of clients) {
      let caught: unknown;
      try {
        createRedisAdapters({ redis: redis as never });
      } catch (error) {
        caught = error;
      }
      expect(isOutcryError(caught) && caught.code).toBe('INVALID_INPUT');
      expect((caught as Error).message).toMatch(/peer dependency/);
      redis.disconnect();
    }
  });

  it('takes a client of its own copy', () => {
    const redis = new Redis({ lazyConnect: true });
    expect(createRedisAdapters({ redis }).redis).toBe(redis);
    redis.disconnect();
  });
});
