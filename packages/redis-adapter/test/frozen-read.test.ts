import { createAuctionHouse } from '@outcry/core';
import { eventually } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters } from '../src/create-redis-adapters.js';
import { RedisKeys } from '../src/keys.js';
import { defineScripts } from '../src/lua-scripts.js';
import { RedisBidQueue } from '../src/redis-bid-queue.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the frozen read test');

// Hand-overs under load are in core's stack contract (stack-contract.test.ts); this is the case
// only Redis has: a blocked XREADGROUP of a frozen process outlives it in the server.
describe.skipIf(!up)('a read left blocked in Redis by a frozen process', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
  });

  it("takes over what a frozen process's read was given after the owner's first claim", async () => {
    const ghostPrefix = uniquePrefix('handover-ghost:');
    const keys = new RedisKeys(ghostPrefix, 1);
    // A process that froze while its read waited in Redis: the read takes the next entry, and
    // nobody acknowledges it. It blocks before the owner's read, so Redis serves it first.
    const ghostClient = new Redis(REDIS_URL);
    defineScripts(ghostClient);
    const ghost = new RedisBidQueue({ redis: ghostClient, keys });
    const ghostRead = ghost.read(0, 'frozen-house', { max: 10, blockMs: 20_000 }).catch(() => []);
    await eventually(
      async () => ((await redis.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string).includes('cmd=xreadgroup'),
      5_000,
      "the ghost's read blocked",
    );
    const ownerAdapters = createRedisAdapters({ redis: new Redis(REDIS_URL), prefix: ghostPrefix, partitions: 1 });
    const owner = createAuctionHouse({ backend: ownerAdapters, partitions: 1, staleEntryMs: 600 });
    const callerAdapters = createRedisAdapters({ redis: new Redis(REDIS_URL), prefix: ghostPrefix, partitions: 1 });
    const caller = createAuctionHouse({ backend: callerAdapters, partitions: 1, answerTimeoutMs: 8_000 });
    try {
      await owner.start();
      await caller.start();
      expect(owner.metrics().partitions.owned).toEqual([0]);
      expect(caller.metrics().partitions.owned).toEqual([]);
      // Routed through the queue to the owner; the ghost's read takes it first.
      const started = Date.now();
      const auction = await caller.createAuction({
        sellerId: 'seller',
        title: 'Lot',
        currency: 'USD',
        startingPrice: 1_000,
        endsAt: Date.now() + 60_000,
      });
      expect(auction.status).toBe('open');
      const pending = (await redis.xpending(keys.stream(0), 'sequencers', '-', '+', 10)) as unknown[][];
      expect(pending).toEqual([]);
      // Taken over after it had been idle 600 ms, well before the caller's 8 s.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await caller.stop();
      await owner.stop();
      await callerAdapters.close();
      await ownerAdapters.close();
      await callerAdapters.redis.quit();
      await ownerAdapters.redis.quit();
      await ghost.close();
      await ghostRead;
      ghostClient.disconnect();
      await deletePrefix(redis, ghostPrefix);
    }
  }, 30_000);
});
