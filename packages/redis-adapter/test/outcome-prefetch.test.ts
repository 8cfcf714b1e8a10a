import { commitBatchOf, ScriptedAuction } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters } from '../src/create-redis-adapters.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the outcome prefetch test');

describe.skipIf(!up)('outcomes looked up by queue reads', () => {
  const prefix = uniquePrefix('prefetch:');
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    // A client of its own: the test's client was taken down on purpose.
    const cleaner = new Redis(REDIS_URL);
    await deletePrefix(cleaner, prefix);
    await cleaner.quit();
  });

  it('answer getOutcomes like the store would, before and after a commit, without a lookup of their own', async () => {
    const adapters = createRedisAdapters({ redis, prefix, partitions: 4 });
    const { queue, store } = adapters;
    const auction = ScriptedAuction.create();
    const judged = auction.bid('bidder-a', 1_000);
    await store.commit(commitBatchOf(2, 1, [auction]));
    const known = judged.outcome;
    if (known === null) throw new Error('a bid step has an outcome');
    const fresh = auction.bid('bidder-b', 2_000);
    const freshOutcome = fresh.outcome;
    if (freshOutcome === null) throw new Error('a bid step has an outcome');
    const bidOf = (bidId: string) => ({
      command: {
        type: 'bid' as const,
        auctionId: auction.id,
        bidId,
        bidderId: 'bidder-x',
        amount: 5_000,
        receivedAt: Date.now(),
      },
      origin: 'house-a',
      commandId: bidId,
    });
    await queue.enqueue(2, [bidOf(known.bidId), bidOf(freshOutcome.bidId)]);
    const delivered = await queue.read(2, 'house-a', { max: 10, blockMs: 1_000 });
    expect(delivered.map((entry) => entry.commandId)).toEqual([known.bidId, freshOutcome.bidId]);
    // With the connection down, getOutcomes still answers at once: the read looked the bids up.
    redis.disconnect();
    const answered = await Promise.race([
      store.getOutcomes([known.bidId, freshOutcome.bidId]),
      new Promise<'no answer'>((resolve) => setTimeout(() => resolve('no answer'), 500)),
    ]);
    expect(answered).toEqual([known, null]);
    if (redis.status !== 'end') await new Promise((resolve) => redis.once('end', resolve));
    await redis.connect();
    // Once the fresh bid is committed, the prefetched "none" is forgotten.
    await store.commit(commitBatchOf(2, 1, [auction]));
    expect(await store.getOutcomes([freshOutcome.bidId])).toEqual([freshOutcome]);
    await queue.ack(
      2,
      delivered.map((entry) => entry.id),
    );
    expect(await queue.depth(2)).toBe(0);
    await adapters.close();
  });
});
