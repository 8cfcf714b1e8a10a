// What only the hybrid composition has (PostgreSQL store, Redis queue, lock, broadcaster and
// cache); what every stack does is in hybrid-stack.test.ts.
import { type AuctionHouse, createAuctionHouse, isOutcryError } from '@outcry/core';
import { partitionOf } from '@outcry/core/adapter-kit';
import { commitBatchOf, eventually, expectLedgersConsistent, ScriptedAuction, sleep } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CuttableProxy } from './support/cuttable-proxy.js';
import { type HybridInstance, type HybridProcess, hybridInstance } from './support/hybrid-stack.js';
import { DATABASE_URL, noSharedServices } from './support/shared-services.js';

const PARTITIONS = 4;

describe.skipIf(noSharedServices)('hybrid: PostgreSQL store with Redis queue, lock, broadcaster and cache', () => {
  let instance: HybridInstance;
  const houses: AuctionHouse[] = [];
  const processes: HybridProcess[] = [];
  const connect = () => {
    const process = instance.connect();
    processes.push(process);
    return process;
  };
  const startedHouse = async (process: HybridProcess = connect()) => {
    const house = createAuctionHouse({ backend: process.backend, leaseTtlMs: 2_000 });
    houses.push(house);
    await house.start();
    return house;
  };
  afterEach(async () => {
    for (const house of houses.splice(0)) await house.stop();
    for (const process of processes.splice(0)) await process.close();
    await instance.close();
  });

  it('keeps the ledger in PostgreSQL alone, and serves reads from the Redis cache', async () => {
    instance = await hybridInstance(PARTITIONS);
    const [a, b] = [await startedHouse(), await startedHouse()];
    const auction = await a.createAuction({
      sellerId: 'seller',
      title: 'Hybrid lot',
      currency: 'USD',
      startingPrice: 1_000,
      increment: { type: 'fixed', amount: 10 },
      endsAt: Date.now() + 3_600_000,
    });
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).placeBid({ auctionId: auction.id, bidderId: `bidder-${i % 3}`, amount: 1_100 + 20 * i }),
      ),
    );
    const accepted = outcomes.filter((outcome) => outcome.status === 'accepted').map((outcome) => outcome.bidId);
    expect(accepted.length).toBeGreaterThan(0);
    const { postgres, redis } = connect();
    expect(await expectLedgersConsistent(postgres.store, [auction.id], accepted)).toBe(accepted.length);
    expect(await redis.store.getMany([auction.id])).toEqual([null]);
    const [state] = await postgres.store.getMany([auction.id]);
    // The Redis broadcaster keeps the Redis snapshot cache fresh.
    const view = await eventually(
      async () => {
        const fresh = await b.getAuction(auction.id);
        return fresh?.seq === state?.seq && fresh;
      },
      5_000,
      'a fresh snapshot',
    );
    expect(view.price).toBe(state?.price);
    expect(a.metrics().cache.hits + b.metrics().cache.hits).toBeGreaterThan(0);
  });

  it('fences PostgreSQL commits with the Redis lock’s tokens', async () => {
    instance = await hybridInstance(PARTITIONS);
    const { redis, postgres } = connect();
    const auction = ScriptedAuction.create();
    const partition = partitionOf(auction.id, PARTITIONS);
    const key = `partition:${partition}`;
    const first = await redis.lock.acquire(key, 'old-owner', 100);
    expect(first).not.toBeNull();
    await sleep(250);
    const second = await redis.lock.acquire(key, 'new-owner', 10_000);
    expect(second?.token).toBeGreaterThan(first?.token ?? Number.POSITIVE_INFINITY);
    await postgres.store.commit(commitBatchOf(partition, second?.token ?? 0, [auction]));
    auction.bid('late', 1_500);
    const stale = postgres.store.commit(commitBatchOf(partition, first?.token ?? 0, [auction]));
    await expect(stale).rejects.toSatisfy((e: unknown) => isOutcryError(e) && e.code === 'STALE_OWNER');
    expect((await postgres.store.getMany([auction.id]))[0]?.seq).toBe(1);
  });

  it('gives the partitions of a process cut off from PostgreSQL to one that is not, and takes a share back once reconnected', async () => {
    instance = await hybridInstance(PARTITIONS);
    const { proxy, url } = await CuttableProxy.to(DATABASE_URL);
    try {
      const a = await startedHouse();
      const cutProcess = instance.connect({ databaseUrl: url });
      processes.push(cutProcess);
      const b = await startedHouse(cutProcess);
      await eventually(() => b.metrics().partitions.owned.length === 2, 10_000, 'a share each');
      // Auctions until every partition has some (ids are random).
      const auctions: Array<{ id: string }> = [];
      while (new Set(auctions.map((auction) => partitionOf(auction.id, PARTITIONS))).size < PARTITIONS)
        auctions.push(
          await a.createAuction({
            sellerId: 'seller',
            title: `Lot ${auctions.length}`,
            currency: 'USD',
            startingPrice: 1_000,
            endsAt: Date.now() + 3_600_000,
          }),
        );
      // Each bid sent again with its bidId while refused UNAVAILABLE, as callers do: a process whose
      // own takes failed refuses for a moment, until it finds those partitions held.
      const refusedForNow = (error: unknown): null => {
        if (isOutcryError(error) && error.code === 'UNAVAILABLE') return null;
        throw error;
      };
      const bidOnAll = (house: AuctionHouse, amount: number) =>
        Promise.all(
          auctions.map((auction, i) => {
            const bid = { auctionId: auction.id, bidderId: 'bob', amount, bidId: `bid-${amount}-${i}` };
            return eventually(() => house.placeBid(bid).catch(refusedForNow), 40_000, `an answer to ${bid.bidId}`);
          }),
        );

      proxy.cut();
      // The bids on the cut-off process's partitions wait in the Redis queue until the other takes them.
      const whileCut = await bidOnAll(a, 1_100);
      expect(whileCut.map((outcome) => outcome.status)).toEqual(auctions.map(() => 'accepted'));
      expect(a.metrics().partitions.owned).toEqual([0, 1, 2, 3]);
      expect(b.metrics().partitions.owned).toEqual([]);

      proxy.restore();
      await eventually(() => b.metrics().partitions.owned.length === 2, 15_000, 'a share taken back');
      const afterwards = await bidOnAll(b, 1_200);
      expect(afterwards.map((outcome) => outcome.status)).toEqual(auctions.map(() => 'accepted'));
      const accepted = [...whileCut, ...afterwards].map((outcome) => outcome.bidId);
      const { postgres } = connect();
      expect(
        await expectLedgersConsistent(
          postgres.store,
          auctions.map((auction) => auction.id),
          accepted,
        ),
      ).toBe(2 * auctions.length);
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
