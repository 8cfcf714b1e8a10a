import { createAuctionHouse } from '@outcry/core';
import type { AuctionStore } from '@outcry/core/adapter-kit';
import { expectLedgersConsistent } from '@outcry/core/testing';
import { expect } from 'vitest';
import { createRedisAdapters } from '../../src/create-redis-adapters.js';
import type { RedisClient } from '../../src/redis-client.js';

/** Creates `count` open auctions through a short-lived house, which then lets its partitions go. */
export async function createAuctions(
  redis: RedisClient,
  prefix: string,
  partitions: number,
  count: number,
  endsInMs: number,
): Promise<string[]> {
  const adapters = createRedisAdapters({ redis, prefix, partitions });
  const house = createAuctionHouse({ backend: adapters, partitions });
  await house.start();
  const now = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const auction = await house.createAuction({
      sellerId: 'seller',
      title: `Lot ${i}`,
      currency: 'USD',
      startingPrice: 1_000,
      increment: { type: 'fixed', amount: 1 },
      startsAt: now,
      endsAt: now + endsInMs,
    });
    ids.push(auction.id);
  }
  await house.stop();
  await adapters.close();
  return ids;
}

/**
 * The invariants of a run with several writers (core's `expectLedgersConsistent`), and with
 * `expectClosed` every auction closed. Answers the number of ledger bids.
 */
export async function checkAuctions(
  store: AuctionStore,
  auctionIds: readonly string[],
  acceptedBidIds: readonly string[],
  expectClosed: boolean,
): Promise<number> {
  if (expectClosed) {
    const statuses = (await store.getMany(auctionIds)).map((state) => state?.status);
    expect(statuses).toEqual(auctionIds.map(() => 'closed'));
  }
  return expectLedgersConsistent(store, auctionIds, acceptedBidIds);
}
