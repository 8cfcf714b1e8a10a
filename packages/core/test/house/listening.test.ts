import { type AuctionEvent, type AuctionHouse, createAuctionHouse } from '@outcry/core';
import {
  type BroadcastHandler,
  MemoryAuctionStore,
  MemoryBroadcaster,
  MemoryLock,
  partitionOf,
  type RoutedOutcome,
} from '@outcry/core/adapter-kit';
import { eventually } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CopyingQueue } from '../support/copying-queue.js';
import { memoryBackendOf } from '../support/memory-backend-of.js';

const PARTITIONS = 8;

/** Counts subscriptions per partition and the answers each house is sent. */
class CountingBroadcaster extends MemoryBroadcaster {
  readonly listeners = new Map<number, number>();
  readonly answeredTo: string[] = [];

  override async subscribe(partitions: readonly number[], handler: BroadcastHandler) {
    for (const p of partitions) this.listeners.set(p, (this.listeners.get(p) ?? 0) + 1);
    const off = await super.subscribe(partitions, handler);
    return async () => {
      for (const p of partitions) this.listeners.set(p, (this.listeners.get(p) ?? 1) - 1);
      await off();
    };
  }

  override async sendAnswers(origin: string, outcomes: readonly RoutedOutcome[]): Promise<void> {
    this.answeredTo.push(origin);
    await super.sendAnswers(origin, outcomes);
  }

  listened(): number[] {
    return [...this.listeners].filter(([, count]) => count > 0).map(([p]) => p);
  }
}

/** Refuses the next `failures` subscriptions, as a broadcaster whose server is away. */
class FlakyBroadcaster extends CountingBroadcaster {
  failures = 0;

  override async subscribe(partitions: readonly number[], handler: BroadcastHandler) {
    if (this.failures > 0) {
      this.failures--;
      throw new Error('subscriber connection lost');
    }
    return super.subscribe(partitions, handler);
  }
}

const houses: AuctionHouse[] = [];
afterEach(async () => {
  for (const house of houses.splice(0)) await house.stop();
});

/** Two houses on one shared cache and broadcaster, as two processes on Redis; each owns half the partitions. */
async function twoHouses() {
  const broadcaster = new CountingBroadcaster();
  const ports = { store: new MemoryAuctionStore(), broadcaster, queue: new CopyingQueue(), lock: new MemoryLock() };
  const backendOf = () => memoryBackendOf(ports, { queueInProcess: false, cacheShared: true });
  const first = createAuctionHouse({ backend: backendOf(), partitions: PARTITIONS, leaseTtlMs: 300 });
  await first.start();
  const second = createAuctionHouse({ backend: backendOf(), partitions: PARTITIONS, leaseTtlMs: 300 });
  await second.start();
  houses.push(first, second);
  await eventually(() => second.metrics().partitions.owned.length === PARTITIONS / 2, 5_000, 'half the partitions');
  return { broadcaster, first, second };
}

const lot = (house: AuctionHouse, i: number) =>
  house.createAuction({
    sellerId: 'seller',
    title: `Lot ${i}`,
    currency: 'USD',
    startingPrice: 100,
    endsAt: Date.now() + 60_000,
  });

describe('a house listens only where somebody in it does', () => {
  it('with no listener it receives no broadcast, and only its own callers’ answers', async () => {
    const { broadcaster, first, second } = await twoHouses();
    expect(broadcaster.listened()).toEqual([]);
    const auctions = await Promise.all(Array.from({ length: 8 }, (_, i) => lot(first, i)));
    const outcomes = await Promise.all(
      auctions.flatMap((auction, i) => [
        first.placeBid({ auctionId: auction.id, bidderId: `a${i}`, amount: 200 + i }),
        second.placeBid({ auctionId: auction.id, bidderId: `b${i}`, amount: 300 + i }),
      ]),
    );
    expect(outcomes.every((outcome) => outcome.status === 'accepted')).toBe(true);
    expect(first.metrics().broadcaster.received + second.metrics().broadcaster.received).toBe(0);
    // Bids crossed between the houses: each crossing answered its own house, and no other.
    expect(broadcaster.answeredTo.length).toBeGreaterThan(0);
    expect(new Set(broadcaster.answeredTo)).toEqual(new Set([first.houseId, second.houseId]));
  });

  it('subscribe listens to the auction’s partition alone until the last listener leaves; on() to every partition', async () => {
    const { broadcaster, first, second } = await twoHouses();
    const auction = await lot(first, 1);
    const partition = partitionOf(auction.id, PARTITIONS);
    const heard: AuctionEvent[] = [];
    const offOne = second.subscribe(auction.id, (event) => heard.push(event));
    const offTwo = second.subscribe(auction.id, () => undefined);
    await offOne.ready;
    expect(broadcaster.listened()).toEqual([partition]);
    expect(second.metrics().partitions.listened).toEqual([partition]);
    expect(first.metrics().partitions.listened).toEqual([]);
    // Placed through the other house: whichever owns the partition, the event reaches `second`.
    await first.placeBid({ auctionId: auction.id, bidderId: 'ann', amount: 500 });
    await eventually(() => heard.some((event) => event.type === 'bid.accepted'), 2_000, 'the bid event');
    offOne();
    expect(broadcaster.listened()).toEqual([partition]);
    offTwo();
    await eventually(() => broadcaster.listened().length === 0, 2_000, 'no partition listened');

    const all: Extract<AuctionEvent, { type: 'bid.accepted' }>[] = [];
    const off = first.on('bid.accepted', (event) => all.push(event));
    await off.ready;
    expect(broadcaster.listened().sort((a, b) => a - b)).toEqual(Array.from({ length: PARTITIONS }, (_, p) => p));
    expect(first.metrics().partitions.listened).toEqual(Array.from({ length: PARTITIONS }, (_, p) => p));
    await second.placeBid({ auctionId: auction.id, bidderId: 'carol', amount: 700 });
    await eventually(() => all.length === 1, 2_000, 'the bid event of every partition');
    const errors = first.on('error', () => undefined);
    off();
    await eventually(() => broadcaster.listened().length === 0, 2_000, 'an error listener listens to nothing');
    errors();
    await second.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 900 });
    expect(all.map((event) => event.bidderId)).toEqual(['carol']);
  });

  it('tries a partition subscription that failed again, and says so', async () => {
    const broadcaster = new FlakyBroadcaster();
    const ports = { store: new MemoryAuctionStore(), broadcaster, queue: new CopyingQueue(), lock: new MemoryLock() };
    const backendOf = () => memoryBackendOf(ports, { queueInProcess: false, cacheShared: true });
    const house = createAuctionHouse({ backend: backendOf(), partitions: PARTITIONS, leaseTtlMs: 300 });
    await house.start();
    houses.push(house);
    const errors: string[] = [];
    const offErrors = house.on('error', (error) => errors.push(error.operation));
    const auction = await lot(house, 1);
    broadcaster.failures = 1;
    const heard: AuctionEvent[] = [];
    const off = house.subscribe(auction.id, (event) => heard.push(event));
    await off.ready;
    expect(errors).toContain('subscribe');
    expect(broadcaster.listened()).toEqual([]);
    expect(house.metrics().partitions.listened).toEqual([]);
    await eventually(() => broadcaster.listened().length === 1, 3_000, 'the partition subscribed again');
    await house.placeBid({ auctionId: auction.id, bidderId: 'ann', amount: 500 });
    await eventually(() => heard.some((event) => event.type === 'bid.accepted'), 2_000, 'the bid event');
    off();
    offErrors();
  });
});
