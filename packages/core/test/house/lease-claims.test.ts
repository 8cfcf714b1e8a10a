import {
  type AcquireOptions,
  type AuctionHouse,
  createAuctionHouse,
  type Lease,
  MemoryAuctionStore,
  MemoryBidQueue,
  MemoryLock,
} from '@outcry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './fake-clock.js';

/** A MemoryLock that keeps what it handed out and what was given back. */
class WatchedLock extends MemoryLock {
  readonly acquired: Lease[] = [];
  readonly released: Lease[] = [];

  override async acquire(key: string, owner: string, ttlMs: number, options?: AcquireOptions): Promise<Lease | null> {
    const lease = await super.acquire(key, owner, ttlMs, options);
    if (lease !== null && key.startsWith('partition:')) this.acquired.push(lease);
    return lease;
  }

  override async release(lease: Lease): Promise<boolean> {
    const released = await super.release(lease);
    if (released) this.released.push(lease);
    return released;
  }
}

/** Long leases: nothing here may wait for one to expire. */
const LEASE_TTL_MS = 60_000;

let houses: AuctionHouse[] = [];
afterEach(async () => {
  await Promise.all(houses.map((house) => house.stop()));
  houses = [];
});

async function startHouse(store: MemoryAuctionStore, lock: MemoryLock, partitions: number): Promise<AuctionHouse> {
  const house = createAuctionHouse({
    store,
    lock,
    queue: new MemoryBidQueue(),
    partitions,
    leaseTtlMs: LEASE_TTL_MS,
    answerTimeoutMs: 3_000,
  });
  houses.push(house);
  await house.start();
  return house;
}

const lot = () => ({
  sellerId: 's',
  title: 'Lot',
  currency: 'USD',
  startingPrice: 100,
  endsAt: Date.now() + 60_000,
});

describe('partition leases claimed in the store', () => {
  it('takes its partitions at once from a lock that lost its tokens, giving the refused leases back', async () => {
    const store = new MemoryAuctionStore();
    // The store has seen tokens up to 50 (from a lock that has since lost its data); this lock counts from 1.
    for (const partition of [0, 1]) await store.claimPartition(partition, 50);
    const lock = new WatchedLock();
    const house = await startHouse(store, lock, 2);
    expect(house.metrics().partitions.owned).toEqual([0, 1]);
    const auction = await house.createAuction(lot());
    expect(await house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 500 })).toMatchObject({
      status: 'accepted',
    });
    // Each partition: a lease of token 1 refused by the store and given back at once, then one above 50.
    for (const partition of [0, 1]) {
      const leases = lock.acquired.filter((lease) => lease.key === `partition:${partition}`);
      expect(leases.map((lease) => lease.token)).toEqual([1, 51]);
      expect(lock.released).toContainEqual(leases[0]);
    }
  });

  it('gives a partition back at once when the store refuses its commit, then claims it above the newer token', async () => {
    const store = new MemoryAuctionStore();
    const lock = new WatchedLock();
    const house = await startHouse(store, lock, 1);
    const auction = await house.createAuction(lot());
    const [first] = lock.acquired;
    // A newer owner claimed the partition: this house's next commit is refused.
    await store.claimPartition(0, 1_000);
    const outcome = await house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 500 });
    expect(outcome).toMatchObject({ status: 'accepted' });
    expect(lock.released).toContainEqual(first);
    await eventually(() => (house.metrics().partitions.owned.length === 1 ? true : undefined));
    expect(lock.acquired.at(-1)?.token).toBe(1_001);
    expect((await store.getBids(auction.id, { afterSeq: 0, limit: 10 })).map((entry) => entry.seq)).toEqual([2]);
  });
});
