// The hybrid composition: the durable ledger on PostgreSQL, everything fast on Redis (queue,
// lock, broadcaster, snapshot cache). Tokens of the Redis lock fence commits to PostgreSQL.
import { connect } from 'node:net';
import { type AuctionHouse, composeBackend, createAuctionHouse, isOutcryError } from '@outcry/core';
import { commitBatchOf, describeOpaqueIdRoundTrip, ScriptedAuction } from '@outcry/core/testing';
import { createRedisAdapters, deleteMatching, type RedisAdapters } from '@outcry/redis-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayAuction } from '../src/index.js';
import { ledgerBidCounts } from './support/auction-fixtures.js';
import { migratedAdapters, noDatabase, servicesRequired } from './support/database.js';
import { eventually } from './support/manual-clock.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PARTITIONS = 4;

/** Whether Redis answers an inline PING, without a driver (so a dead Redis cannot hang the probe). */
function redisAnswers(): Promise<boolean> {
  const url = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data[0] === 0x2b || data[0] === 0x2d));
  });
}

const redisUp = await redisAnswers();
if (!redisUp && servicesRequired)
  throw new Error(`Redis at ${REDIS_URL} does not answer, and CI/REQUIRE_SERVICES requires it.`);
if (!redisUp) console.warn(`[postgres-adapter] SKIPPING the hybrid test: Redis at ${REDIS_URL} does not answer.`);

describe.skipIf(noDatabase || !redisUp)(
  'hybrid: PostgreSQL store with Redis queue, lock, broadcaster and cache',
  () => {
    const prefix = `outcry-hybrid:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
    let postgres: Awaited<ReturnType<typeof migratedAdapters>>;
    const redises: RedisAdapters[] = [];
    const houses: AuctionHouse[] = [];
    /** One process's house: its own Redis connections, the shared PostgreSQL store. */
    const hybridHouse = () => {
      const redis = createRedisAdapters({ redis: REDIS_URL, prefix, partitions: PARTITIONS });
      redises.push(redis);
      // Redis gives every port but the store; the store, the database of record, is PostgreSQL's.
      const backend = composeBackend({ store: postgres, queue: redis, lock: redis, broadcaster: redis, cache: redis });
      const house = createAuctionHouse({ backend, leaseTtlMs: 2_000 });
      houses.push(house);
      return house;
    };
    beforeAll(async () => {
      postgres = await migratedAdapters({ partitions: PARTITIONS });
    });
    afterAll(async () => {
      for (const house of houses) await house.stop();
      const first = redises[0];
      if (first !== undefined) await deleteMatching(first.redis, `${prefix}*`);
      for (const redis of redises) await redis.close();
      await postgres.dispose();
    });

    it('judges bids from two houses into one ledger in PostgreSQL and keeps no auction in Redis', async () => {
      const [a, b] = [hybridHouse(), hybridHouse()];
      await a.start();
      await b.start();
      const auctions = await Promise.all(
        Array.from({ length: 3 }, (_, i) =>
          a.createAuction({
            sellerId: 'seller',
            title: `Hybrid ${i}`,
            currency: 'USD',
            startingPrice: 1_000,
            increment: { type: 'fixed', amount: 10 },
            startsAt: Date.now(),
            endsAt: Date.now() + 3_600_000,
          }),
        ),
      );
      let amount = 1_000;
      const outcomes = await Promise.all(
        Array.from({ length: 120 }, (_, i) => {
          amount += 15;
          const house = i % 2 === 0 ? a : b; // half the bids come through the second process
          return house.placeBid({
            auctionId: auctions[i % 3]?.id as string,
            bidderId: `bidder-${i % 7}`,
            amount,
            bidId: `hy-${i}`,
          });
        }),
      );
      expect(outcomes.every((o) => o.status === 'accepted' || o.code === 'BID_TOO_LOW')).toBe(true);
      const accepted = outcomes.filter((o) => o.status === 'accepted').map((o) => o.bidId);
      expect(accepted.length).toBeGreaterThan(30);
      const counts = await ledgerBidCounts(postgres);
      expect(accepted.filter((bidId) => counts.get(bidId) !== 1)).toEqual([]);
      for (const auction of auctions) {
        const [state] = await postgres.store.getMany([auction.id]);
        expect(await replayAuction(postgres.store, auction.id)).toEqual(state);
        // Reads go through the Redis snapshot cache, kept fresh by the Redis broadcaster.
        const view = await eventually(
          () => b.getAuction(auction.id),
          (v) => v?.seq === state?.seq,
          5_000,
          'a fresh snapshot',
        );
        expect(view?.price).toBe(state?.price);
        // The Redis store was never used: the ledger lives in PostgreSQL alone.
        expect(await redises[0]?.store.getMany([auction.id])).toEqual([null]);
      }
      expect(a.metrics().cache.hits + b.metrics().cache.hits).toBeGreaterThan(0);
    });

    it('fences PostgreSQL commits with the Redis lock’s tokens', async () => {
      const redis = redises[0] ?? createRedisAdapters({ redis: REDIS_URL, prefix, partitions: PARTITIONS });
      const key = `hybrid-fence-${Math.random()}`;
      const partition = 1_000_000 + Math.floor(Math.random() * 1_000_000);
      const first = await redis.lock.acquire(key, 'old-owner', 100);
      expect(first).not.toBeNull();
      await new Promise((r) => setTimeout(r, 250));
      const second = await redis.lock.acquire(key, 'new-owner', 10_000);
      expect(second?.token).toBeGreaterThan(first?.token ?? Number.POSITIVE_INFINITY);
      const auction = ScriptedAuction.create();
      await postgres.store.commit(commitBatchOf(partition, second?.token ?? 0, [auction]));
      auction.bid('late', 1_500);
      const stale = postgres.store.commit(commitBatchOf(partition, first?.token ?? 0, [auction]));
      await expect(stale).rejects.toSatisfy((e: unknown) => isOutcryError(e) && e.code === 'STALE_OWNER');
      expect((await postgres.store.getMany([auction.id]))[0]?.seq).toBe(1);
    });

    // Ids pass through the Redis queue, lock and broadcaster on their way to the PostgreSQL ledger.
    describeOpaqueIdRoundTrip(async () => {
      const [house, watcher] = [hybridHouse(), hybridHouse()];
      await house.start();
      await watcher.start();
      // afterAll above stops every house and closes every connection.
      return { house, store: postgres.store, watcher, close: async () => undefined };
    });
  },
);
