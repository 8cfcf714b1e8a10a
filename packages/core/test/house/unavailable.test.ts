import { type AuctionHouse, createAuctionHouse, type HealthEvent, isOutcryError, OutcryError } from '@outcry/core';
import { type CommitBatch, MemoryAuctionStore, MemoryBidQueue } from '@outcry/core/adapter-kit';
import type { AuctionState } from '@outcry/core/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryBackendOf } from '../support/memory-backend-of.js';

/** A store that can go down: every call fails as a lost connection does, until it is back. */
class DownStore extends MemoryAuctionStore {
  down = false;

  #check(): void {
    if (this.down) throw new OutcryError('UNAVAILABLE', 'connect ECONNREFUSED');
  }

  override async commit(batch: CommitBatch): Promise<void> {
    this.#check();
    await super.commit(batch);
  }

  override async listActive(partition: number): Promise<AuctionState[]> {
    this.#check();
    return super.listActive(partition);
  }
}

let house: AuctionHouse;
afterEach(async () => {
  await house?.stop();
});

async function failureOf(promise: Promise<unknown>): Promise<OutcryError> {
  try {
    await promise;
  } catch (error) {
    if (isOutcryError(error)) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

async function openAuction(): Promise<string> {
  const auction = await house.createAuction({
    sellerId: 's',
    title: 'Lot',
    currency: 'USD',
    startingPrice: 100,
    endsAt: Date.now() + 60_000,
  });
  return auction.id;
}

describe('a partition whose store keeps failing', () => {
  it('answers its callers UNAVAILABLE within unavailableAfterMs, refuses new ones at once, and recovers', async () => {
    const store = new DownStore();
    house = createAuctionHouse({ backend: memoryBackendOf({ store }), partitions: 1, unavailableAfterMs: 300 });
    const events: HealthEvent[] = [];
    house.onHealth((event) => events.push(event));
    await house.start();
    const auctionId = await openAuction();
    expect(house.health()).toMatchObject({ ready: true, failing: [], partitions: { unavailable: [] } });

    store.down = true;
    const startedAt = Date.now();
    const waiting = await failureOf(house.placeBid({ auctionId, bidderId: 'bob', amount: 500, bidId: 'bob-1' }));
    // Fast, not the 30 s answer timeout; and the answer says the outcome is not known.
    expect(waiting.code).toBe('UNAVAILABLE');
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(waiting.message).toContain('same bidId');
    expect(waiting.details).toMatchObject({ partition: 0, dependency: 'store', outcomeKnown: false });

    const health = house.health();
    expect(health.ready).toBe(false);
    expect(health.failing).toMatchObject([{ dependency: 'store', operation: 'commit', partition: 0 }]);
    expect(health.partitions.unavailable).toEqual([0]);
    expect(health.commits.consecutiveFailures).toBeGreaterThan(1);
    expect(health.commits.lastError).toMatchObject({ code: 'UNAVAILABLE' });
    // One command in 200 ms goes through as a probe of the store; the others are refused at once.
    const probe = failureOf(house.placeBid({ auctionId, bidderId: 'dave', amount: 600, bidId: 'dave-1' }));
    const refused = await failureOf(house.placeBid({ auctionId, bidderId: 'carol', amount: 700 }));
    expect(refused.code).toBe('UNAVAILABLE');
    expect(refused.message).toContain('Nothing was taken in');
    expect(await probe).toMatchObject({ code: 'UNAVAILABLE', details: { outcomeKnown: false } });
    expect(events.some((event) => event.type === 'failure' && event.dependency === 'store')).toBe(true);
    expect(events.find((event) => event.type === 'unavailable')).toMatchObject({ partitions: [0], callers: 1 });

    // Back: the command whose fate was unknown is judged after all; the same bidId tells it.
    store.down = false;
    for (let i = 0; i < 200 && !house.health().ready; i++) await new Promise((r) => setTimeout(r, 20));
    expect(house.health()).toMatchObject({ ready: true, troubles: [], commits: { lastError: null } });
    expect(await house.placeBid({ auctionId, bidderId: 'bob', amount: 500, bidId: 'bob-1' })).toMatchObject({
      status: 'accepted',
      leaderId: 'bob',
    });
    expect(events.find((event) => event.type === 'recovered')).toMatchObject({ dependency: 'store', partition: 0 });
  });

  it('that no house can take (its auctions cannot be loaded) answers queued callers UNAVAILABLE too', async () => {
    const store = new DownStore();
    const queue = new MemoryBidQueue();
    house = createAuctionHouse({
      backend: memoryBackendOf({ store, queue }),
      partitions: 1,
      unavailableAfterMs: 300,
      leaseTtlMs: 1_000,
    });
    await house.start();
    const auctionId = await openAuction();
    await house.stop();
    store.down = true;
    house = createAuctionHouse({
      backend: memoryBackendOf({ store, queue }),
      partitions: 1,
      unavailableAfterMs: 300,
      leaseTtlMs: 1_000,
    });
    await house.start();
    const failure = await failureOf(house.placeBid({ auctionId, bidderId: 'bob', amount: 500, bidId: 'q-1' }));
    expect(failure.code).toBe('UNAVAILABLE');
    expect(house.health()).toMatchObject({
      ready: false,
      partitions: { owned: [], unavailable: [0] },
      failing: [{ dependency: 'store', operation: 'start' }],
    });
    store.down = false;
    for (let i = 0; i < 200 && !house.health().ready; i++) await new Promise((r) => setTimeout(r, 20));
    expect(house.health()).toMatchObject({ ready: true, partitions: { owned: [0], unavailable: [] } });
    // The queued command was judged once the partition had an owner again.
    expect(await house.placeBid({ auctionId, bidderId: 'bob', amount: 500, bidId: 'q-1' })).toMatchObject({
      status: 'accepted',
    });
  });

  it('a moment’s failure is retried without failing anyone', async () => {
    const store = new DownStore();
    house = createAuctionHouse({ backend: memoryBackendOf({ store }), partitions: 1, unavailableAfterMs: 2_000 });
    await house.start();
    const auctionId = await openAuction();
    store.down = true;
    const bid = house.placeBid({ auctionId, bidderId: 'bob', amount: 500 });
    setTimeout(() => {
      store.down = false;
    }, 200);
    expect(await bid).toMatchObject({ status: 'accepted' });
    expect(house.health().ready).toBe(true);
  });
});
