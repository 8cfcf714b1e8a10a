import { commitBatchOf, ScriptedAuction } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../src/keys.js';
import { defineScripts } from '../src/lua-scripts.js';
import { RedisAuctionStore } from '../src/redis-auction-store.js';
import { SpecCache } from '../src/spec-cache.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the spec cache tests');

describe('SpecCache', () => {
  it('keeps at least half its capacity, the newest', () => {
    const cache = new SpecCache(4);
    const specs = Array.from({ length: 5 }, () => ScriptedAuction.create().state.spec);
    for (const spec of specs) cache.set(spec);
    expect(specs.slice(2).every((spec) => cache.get(spec.id) === spec)).toBe(true);
    expect(cache.get(specs[0]?.id as string)).toBeUndefined();
  });
});

describe.skipIf(!up)('a state whose spec was read before', () => {
  let redis: Redis;
  const prefix = uniquePrefix('spec-cache:');
  const keys = new RedisKeys(prefix, 1);
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    defineScripts(redis);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('is read without its spec, and reads the same', async () => {
    const store = new RedisAuctionStore({ redis, keys, partitions: 1 });
    const auction = ScriptedAuction.create();
    auction.bid('alice', 1_500);
    await store.commit(commitBatchOf(0, 1, [auction]));
    expect(await store.getMany([auction.id])).toEqual([auction.state]);
    // The spec key gone: a store that read the spec before still has it, a new one finds no auction.
    await redis.del(keys.spec(0, auction.id));
    auction.bid('bob', 1_800);
    await store.commit(commitBatchOf(0, 1, [auction]));
    expect(await store.getMany([auction.id, 'a-missing'])).toEqual([auction.state, null]);
    const another = new RedisAuctionStore({ redis, keys, partitions: 1 });
    expect(await another.getMany([auction.id])).toEqual([null]);
  });
});
