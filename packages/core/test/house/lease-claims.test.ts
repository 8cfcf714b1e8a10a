import {
  type AuctionHouse,
  createAuctionHouse,
  isOutcryError,
  type MemoryBackendOptions,
  OutcryError,
} from '@outcry/core';
import {
  type AcquireOptions,
  type CommitBatch,
  type Lease,
  type Lock,
  MemoryAuctionStore,
  MemoryBidQueue,
  MemoryBroadcaster,
  MemoryLock,
  partitionOf,
} from '@outcry/core/adapter-kit';
import { eventually } from '@outcry/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryBackendOf } from '../support/memory-backend-of.js';

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

/** A lock whose data can be lost, as a Redis restarted without persistence loses it. */
class RestartableLock implements Lock {
  #current: Lock = new MemoryLock();

  restart(fresh: Lock): void {
    this.#current = fresh;
  }

  acquire(key: string, owner: string, ttlMs: number, options?: AcquireOptions): Promise<Lease | null> {
    return this.#current.acquire(key, owner, ttlMs, options);
  }

  renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    return this.#current.renew(lease, ttlMs);
  }

  release(lease: Lease): Promise<boolean> {
    return this.#current.release(lease);
  }
}

/** A MemoryAuctionStore that keeps the fencing token of every commit it took. */
class WatchedStore extends MemoryAuctionStore {
  readonly tokens: number[] = [];

  override async commit(batch: CommitBatch): Promise<void> {
    await super.commit(batch);
    this.tokens.push(batch.fencingToken);
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
    backend: memoryBackendOf({ store, lock }),
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
    await eventually(() => house.metrics().partitions.owned.length === 1);
    expect(lock.acquired.at(-1)?.token).toBe(1_001);
    expect((await store.getBids(auction.id, { afterSeq: 0, limit: 10 })).map((entry) => entry.seq)).toEqual([2]);
  });

  it("lets one owner alone commit when a lock that lost its data gives a live owner's token again", async () => {
    const store = new WatchedStore();
    const lock = new RestartableLock();
    const ports = { store, lock, queue: new MemoryBidQueue(), broadcaster: new MemoryBroadcaster() };
    const shared = {
      partitions: 1,
      // The first house's bid is sent on through the queue while its last read is still out, which
      // takes it: the second house claims it once idle this long.
      staleEntryMs: 500,
    };
    const first = createAuctionHouse({
      backend: memoryBackendOf(ports),
      ...shared,
      leaseTtlMs: LEASE_TTL_MS,
      houseId: 'first',
    });
    houses.push(first);
    await first.start();
    const auction = await first.createAuction(lot());
    // The lock restarts empty and counts from 1 again: the token the first house still holds.
    const restarted = new WatchedLock();
    lock.restart(restarted);
    const second = createAuctionHouse({
      backend: memoryBackendOf(ports),
      ...shared,
      leaseTtlMs: LEASE_TTL_MS,
      houseId: 'second',
    });
    houses.push(second);
    const committedBefore = store.tokens.length;
    await second.start();
    expect(restarted.acquired.map((lease) => lease.token)).toEqual([1, 2]);
    expect(second.metrics().partitions.owned).toEqual([0]);
    // The first house still thinks it owns the partition: its commit is refused, and its bid is
    // judged by the second house, through the queue.
    const outcomes = await Promise.all([
      first.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 500, bidId: 'via-first' }),
      second.placeBid({ auctionId: auction.id, bidderId: 'eve', amount: 900, bidId: 'via-second' }),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['accepted', 'accepted']);
    expect(first.metrics().partitions.owned).toEqual([]);
    expect(store.tokens.slice(committedBefore).every((token) => token === 2)).toBe(true);
    const bids = await store.getBids(auction.id, { afterSeq: 0, limit: 10 });
    expect(bids.map((entry) => (entry.command.type === 'bid' ? entry.command.bidId : '')).sort()).toEqual([
      'via-first',
      'via-second',
    ]);
  });
});

/** A house of 4 partitions on these ports with leases of 300 ms: it counts the houses and renews every 100 ms. */
async function startShortLeaseHouse(ports: MemoryBackendOptions): Promise<AuctionHouse> {
  const house = createAuctionHouse({
    backend: memoryBackendOf({ store: new MemoryAuctionStore(), ...ports }),
    partitions: 4,
    leaseTtlMs: 300,
    answerTimeoutMs: 3_000,
  });
  houses.push(house);
  await house.start();
  return house;
}

/** A MemoryLock whose calls on the presence slots (`house:<n>`) take `delayMs` each, as on a busy process. */
class SlowPresenceLock extends WatchedLock {
  constructor(readonly delayMs: number) {
    super();
  }

  override async acquire(key: string, owner: string, ttlMs: number, options?: AcquireOptions): Promise<Lease | null> {
    if (key.startsWith('house:')) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    return super.acquire(key, owner, ttlMs, options);
  }
}

describe('partition leases kept', () => {
  it('renews its leases on time while counting the houses present takes longer than a lease lasts', async () => {
    // 16 presence slots at 40 ms each: a count takes about 600 ms, twice the lease.
    const lock = new SlowPresenceLock(40);
    const house = await startShortLeaseHouse({ lock });
    expect(house.metrics().partitions.owned).toEqual([0, 1, 2, 3]);
    const auction = await house.createAuction(lot());
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // Every partition taken once and never lost: no lease lapsed and was taken again.
    expect(lock.acquired.map((lease) => lease.key).sort()).toEqual([
      'partition:0',
      'partition:1',
      'partition:2',
      'partition:3',
    ]);
    expect(house.metrics().partitions.owned).toEqual([0, 1, 2, 3]);
    expect(await house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 500 })).toMatchObject({
      status: 'accepted',
    });
  });
});

/**
 * A MemoryLock on which presence slot 7 looks held, as another house's count would hold it for a
 * moment, except to a second look right after a first (within 50 ms).
 */
class PassingHoldLock extends WatchedLock {
  #lastLookAt = 0;
  #lastLookHeld = false;

  override async acquire(key: string, owner: string, ttlMs: number, options?: AcquireOptions): Promise<Lease | null> {
    if (key !== 'house:7') return super.acquire(key, owner, ttlMs, options);
    const now = Date.now();
    const held = !(this.#lastLookHeld && now - this.#lastLookAt < 50);
    this.#lastLookAt = now;
    this.#lastLookHeld = held;
    return held ? null : super.acquire(key, owner, ttlMs, options);
  }
}

describe('houses counted', () => {
  it("does not take another house's passing hold on a presence slot for a house", async () => {
    const lock = new PassingHoldLock();
    const house = await startShortLeaseHouse({ lock });
    // Counts every 100 ms: taking slot 7 for a second house, the share would be 2 of 4 partitions.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(house.metrics().partitions.owned).toEqual([0, 1, 2, 3]);
    expect(lock.released.filter((lease) => lease.key.startsWith('partition:'))).toEqual([]);
  });
});

const nullWhenUnavailable = (error: unknown): null => {
  if (isOutcryError(error) && error.code === 'UNAVAILABLE') return null;
  throw error;
};

/** A store on the same data that fails every call while `failing`, as a process cut off from the database sees it. */
function storeCutOffWhile(store: MemoryAuctionStore, failing: () => boolean): MemoryAuctionStore {
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        failing()
          ? Promise.reject(new OutcryError('UNAVAILABLE', 'The store does not answer this process.'))
          : (value as (...args: unknown[]) => unknown).apply(target, args);
    },
  });
}

describe('a house that cannot own partitions', () => {
  let store: MemoryAuctionStore;
  let shared: { lock: MemoryLock; queue: MemoryBidQueue; broadcaster: MemoryBroadcaster };
  const start = (own: MemoryAuctionStore) => startShortLeaseHouse({ store: own, ...shared });
  /** Auctions until every partition has some (ids are random). */
  const lots = async (house: AuctionHouse) => {
    const auctions = await Promise.all(Array.from({ length: 8 }, () => house.createAuction(lot())));
    while (new Set(auctions.map((auction) => partitionOf(auction.id, 4))).size < 4)
      auctions.push(await house.createAuction(lot()));
    return auctions;
  };
  /**
   * A bid on each auction, each sent again with its bidId while refused UNAVAILABLE, as callers do:
   * a house whose own takes failed refuses for a moment, until it finds those partitions held.
   */
  const bidOnAll = async (house: AuctionHouse, auctions: readonly { id: string }[], amount: number) => {
    const outcomes = await Promise.all(
      auctions.map((auction, i) => {
        const bid = { auctionId: auction.id, bidderId: 'bob', amount, bidId: `bid-${amount}-${i}` };
        return eventually(() => house.placeBid(bid).catch(nullWhenUnavailable), 5_000, `an answer to ${bid.bidId}`);
      }),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(auctions.map(() => 'accepted'));
  };
  beforeEach(() => {
    store = new MemoryAuctionStore();
    shared = { lock: new MemoryLock(), queue: new MemoryBidQueue(), broadcaster: new MemoryBroadcaster() };
  });

  it('stands aside: the houses that can take its share, and it takes a share again once it can', async () => {
    const healthy = await start(store);
    const auctions = await lots(healthy);
    let cutOff = false;
    const sick = await start(storeCutOffWhile(store, () => cutOff));
    // Cut off once started, before the healthy house has handed it anything.
    cutOff = true;
    // The healthy house first hands half its partitions to the other, which cannot load them.
    await eventually(() => healthy.metrics().partitions.owned.length === 2, 3_000, 'a hand-over');
    await eventually(() => healthy.metrics().partitions.owned.length === 4, 3_000, 'the healthy house to own all');
    await bidOnAll(sick, auctions, 500);
    cutOff = false;
    await eventually(() => sick.metrics().partitions.owned.length === 2, 5_000, 'the recovered house to take a share');
    expect(healthy.metrics().partitions.owned).toHaveLength(2);
  });

  it('gives up the partitions whose commits keep failing for a lease, for the houses the store answers', async () => {
    const healthy = await start(store);
    let cutOff = false;
    const cut = await start(storeCutOffWhile(store, () => cutOff));
    await eventually(() => cut.metrics().partitions.owned.length === 2, 3_000, 'a share each');
    const auctions = await lots(healthy);
    cutOff = true;
    // Bids on the cut-off house's partitions wait in its queue until the healthy house takes them.
    await bidOnAll(healthy, auctions, 500);
    expect(healthy.metrics().partitions.owned).toEqual([0, 1, 2, 3]);
    expect(cut.metrics().partitions.owned).toEqual([]);
    cutOff = false;
    await eventually(() => cut.metrics().partitions.owned.length === 2, 5_000, 'the reconnected house to take a share');
    await bidOnAll(cut, auctions, 600);
  });
});
