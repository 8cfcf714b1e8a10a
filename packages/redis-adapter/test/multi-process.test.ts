import { eventually } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters } from '../src/create-redis-adapters.js';
import { checkAuctions, createAuctions } from './support/auction-checks.js';
import { ChildHouse } from './support/child-house.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the multi-process test');
const PARTITIONS = 8;
/** Each process bids until it has this many accepted: enough bids to check, however slow the machine. */
const MIN_ACCEPTED = 25;

describe.skipIf(!up)('several AuctionHouse processes on one Redis', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.quit();
  });

  for (const processes of [2, 3]) {
    it(`${processes} processes bidding on the same auctions keep one history per auction and one winner`, async () => {
      const prefix = uniquePrefix(`multi-${processes}:`);
      prefixes.push(prefix);
      const children = Array.from(
        { length: processes },
        (_, i) =>
          new ChildHouse({
            REDIS_URL,
            PREFIX: prefix,
            PARTITIONS: String(PARTITIONS),
            HOUSE_ID: `mp${processes}-${i}`,
            DURATION_MS: '2500',
            MIN_ACCEPTED: String(MIN_ACCEPTED),
            CONCURRENCY: '16',
          }),
      );
      try {
        await Promise.all(children.map((child) => child.waitFor('ready')));
        // Created once every process runs (their sequencers judge the creates), so that
        // a slow start does not eat the bidding time.
        const auctionIds = await createAuctions(redis, prefix, PARTITIONS, 6, 5_000);
        for (const child of children) child.send(`go ${auctionIds.join(',')}`);
        const done = await Promise.all(children.map((child) => child.waitFor('done', 30_000)));
        const adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
        // The houses close the auctions on time; wait for every close to be committed.
        await eventually(
          async () => (await adapters.store.getMany(auctionIds)).every((state) => state?.status === 'closed'),
          15_000,
          'every auction closed',
        );
        const accepted = children.flatMap((child) => child.accepted());
        for (const child of children) expect(child.failures()).toEqual([]);
        const ledgerBids = await checkAuctions(adapters.store, auctionIds, accepted, true);
        // A bid is accepted only once; the ledger holds exactly the accepted bids.
        expect(ledgerBids).toBe(accepted.length);
        // Every process bid, and no partition had two owners at the end.
        for (const line of done) {
          expect(JSON.parse(line.slice('done '.length)).accepted).toBeGreaterThanOrEqual(MIN_ACCEPTED);
        }
        const owned = done.flatMap((line) => JSON.parse(line.slice('done '.length)).owned as number[]);
        expect(new Set(owned).size).toBe(owned.length);
        // Bids for another process's partitions were handed to their owner directly (Pub/Sub).
        const direct = done.map((line) => JSON.parse(line.slice('done '.length)).direct as number);
        expect(direct.reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
        await adapters.close();
      } finally {
        await Promise.all(children.map((child) => child.stop()));
      }
      for (const child of children) expect(await child.exited).toBe(0);
    });
  }
});
