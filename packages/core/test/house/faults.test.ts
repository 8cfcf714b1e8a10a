import { type AuctionHouse, type AuctionHouseOptions, createAuctionHouse, OutcryError } from '@outcry/core';
import {
  type CommitBatch,
  MemoryAuctionStore,
  MemoryBidQueue,
  MemoryBroadcaster,
  MemoryLock,
  type QueuedCommand,
  type QueueItem,
  type ReadOptions,
} from '@outcry/core/adapter-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryBackendOf } from '../support/memory-backend-of.js';

/**
 * A store whose next commits fail: before writing, or after writing (the reply is what got
 * lost). It keeps every batch it is sent.
 */
class FlakyStore extends MemoryAuctionStore {
  failures: Array<'before' | 'after'> = [];
  readonly batches: CommitBatch[] = [];

  override async commit(batch: CommitBatch): Promise<void> {
    this.batches.push(batch);
    const failure = this.failures.shift();
    if (failure === 'before') throw new OutcryError('UNAVAILABLE', 'store down');
    await super.commit(batch);
    if (failure === 'after') throw new OutcryError('UNAVAILABLE', 'reply lost');
  }

  /** The batches that carried an outcome of `bidId`, in the order sent. */
  batchesOf(bidId: string): CommitBatch[] {
    return this.batches.filter((batch) => batch.outcomes.some((outcome) => outcome.bidId === bidId));
  }
}

class FlakyQueue extends MemoryBidQueue {
  readFailures = 0;

  override async read(partition: number, consumer: string, options: ReadOptions): Promise<QueuedCommand[]> {
    if (this.readFailures > 0) {
      this.readFailures--;
      throw new Error('connection reset');
    }
    return super.read(partition, consumer, options);
  }
}

let house: AuctionHouse;
afterEach(async () => {
  await house?.stop();
});

async function setUp(
  store: MemoryAuctionStore,
  queue = new MemoryBidQueue(),
  options: Pick<AuctionHouseOptions, 'queueLocalCommands' | 'staleEntryMs'> = {},
) {
  const backend = memoryBackendOf({ store, queue }, { queueInProcess: !(queue instanceof SerialisingQueue) });
  house = createAuctionHouse({ backend, partitions: 1, ...options });
  await house.start();
  return house.createAuction({
    sellerId: 's',
    title: 'Lot',
    currency: 'USD',
    startingPrice: 100,
    endsAt: Date.now() + 60_000,
  });
}

describe('faults', () => {
  it('retries a commit that failed before writing; callers get the outcome once it lands', async () => {
    const store = new FlakyStore();
    const a = await setUp(store);
    store.failures.push('before', 'before');
    const outcome = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 500 });
    expect(outcome).toMatchObject({ status: 'accepted', price: 100, leaderId: 'bob' });
    expect((await house.getBids(a.id)).items).toHaveLength(1);
    expect(house.metrics().sequencer.commitErrors).toBe(2);
  });

  it('does not write a bid twice when the commit landed but its reply was lost', async () => {
    const store = new FlakyStore();
    const a = await setUp(store);
    store.failures.push('after');
    const [first, second] = await Promise.all([
      house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 500 }),
      house.placeBid({ auctionId: a.id, bidderId: 'carol', amount: 900, bidId: 'carol-1' }),
    ]);
    expect(first).toMatchObject({ status: 'accepted', leaderId: 'bob', seq: 2 });
    expect(second).toMatchObject({ status: 'accepted', leaderId: 'carol', seq: 3 });
    const ledger = await house.getLedger(a.id);
    expect(ledger.map((e) => e.seq)).toEqual([1, 2, 3]);
    const later = await house.placeBid({ auctionId: a.id, bidderId: 'dave', amount: 2_000 });
    expect(later).toMatchObject({ status: 'accepted', seq: 4 });
  });

  it('keeps consuming after a queue read fails for a moment', async () => {
    const queue = new FlakyQueue();
    const a = await setUp(new MemoryAuctionStore(), queue, { queueLocalCommands: true });
    queue.readFailures = 3;
    queue.interrupt();
    const outcome = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 500 });
    expect(outcome.status).toBe('accepted');
    expect(house.metrics().partitions.owned).toEqual([0]);
    expect(house.metrics().sequencer.queueErrors).toBeGreaterThanOrEqual(1);
  });

  it('keeps judging when the periodic claim of stale entries fails', async () => {
    class FailingSweepQueue extends MemoryBidQueue {
      sweeps = 0;
      override async claimStale(partition: number, consumer: string, minIdleMs: number, max: number) {
        if (minIdleMs === 0) return super.claimStale(partition, consumer, minIdleMs, max);
        this.sweeps++;
        throw new Error('claim failed');
      }
    }
    const queue = new FailingSweepQueue();
    const a = await setUp(new MemoryAuctionStore(), queue, { staleEntryMs: 1 });
    for (let i = 0; i < 20; i++) {
      const outcome = await house.placeBid({ auctionId: a.id, bidderId: `b${i % 2}`, amount: 200 + 100 * i });
      expect(outcome.status).toBe('accepted');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(queue.sweeps).toBeGreaterThan(0);
    expect(house.metrics().sequencer.queueErrors).toBe(queue.sweeps);
  });

  it("names minted bidIds in a commit's freshBidIds, and never a bidId the caller chose", async () => {
    const store = new FlakyStore();
    const a = await setUp(store);
    const [minted, chosen] = await Promise.all([
      house.placeBid({ auctionId: a.id, bidderId: 'ann', amount: 200 }),
      house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 300, bidId: 'caller-chosen-1' }),
    ]);
    if (!('bidId' in minted)) throw new Error('an accepted or rejected bid has a bidId');
    expect(store.batchesOf(minted.bidId).map((batch) => batch.freshBidIds?.has(minted.bidId))).toEqual([true]);
    expect(chosen.status).toBe('accepted');
    expect(
      store.batchesOf('caller-chosen-1').map((batch) => batch.freshBidIds?.has('caller-chosen-1') ?? false),
    ).toEqual([false]);
  });

  it('marks no bidId fresh while unsure whether a failed commit landed', async () => {
    const store = new FlakyStore();
    const a = await setUp(store);
    store.failures.push('before');
    const first = await house.placeBid({ auctionId: a.id, bidderId: 'ann', amount: 200 });
    if (!('bidId' in first)) throw new Error('an accepted or rejected bid has a bidId');
    // Sent once with the bid marked fresh, failed, judged again while unsure: then sent unmarked.
    expect(store.batchesOf(first.bidId).map((batch) => batch.freshBidIds?.has(first.bidId) ?? false)).toEqual([
      true,
      false,
    ]);
    const next = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 300 });
    if (!('bidId' in next)) throw new Error('an accepted or rejected bid has a bidId');
    expect(store.batchesOf(next.bidId).map((batch) => batch.freshBidIds?.has(next.bidId))).toEqual([true]);
    expect((await house.getBids(a.id)).items).toHaveLength(2);
  });
});

/** Declared not in-process: its house answers callers by commandId, as over a network queue. */
class SerialisingQueue extends MemoryBidQueue {}

/** Loses every outcome sent to another house, as when the owner dies between commit and sending. */
class LosingBroadcaster extends MemoryBroadcaster {
  override async sendAnswers(): Promise<void> {}
}

describe('an outcome whose broadcast was lost', () => {
  it('is found in the store when the caller would time out', async () => {
    const ports = {
      store: new MemoryAuctionStore(),
      queue: new SerialisingQueue(),
      lock: new MemoryLock(),
      broadcaster: new LosingBroadcaster(),
    };
    const backendOf = () => memoryBackendOf(ports, { queueInProcess: false });
    const owner = createAuctionHouse({ backend: backendOf(), partitions: 2 });
    await owner.start();
    house = createAuctionHouse({ backend: backendOf(), partitions: 2, answerTimeoutMs: 1_000 });
    await house.start();
    try {
      expect(house.metrics().partitions.owned).toEqual([]);
      const a = await owner.createAuction({
        sellerId: 's',
        title: 'Lot',
        currency: 'USD',
        startingPrice: 100,
        endsAt: Date.now() + 60_000,
      });
      const outcome = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 500 });
      expect(outcome).toMatchObject({ status: 'accepted', leaderId: 'bob' });
    } finally {
      await owner.stop();
    }
  });
});

/** Counts what goes through the queue, and can fence off one house's commits (a newer owner took over). */
class CountingQueue extends MemoryBidQueue {
  readonly enqueued: string[] = [];

  override async enqueue(partition: number, items: readonly QueueItem[]): Promise<void> {
    for (const item of items) this.enqueued.push(item.command.type);
    await super.enqueue(partition, items);
  }
}

class FencingStore extends MemoryAuctionStore {
  fenceOnce: string | null = null;

  override async commit(batch: CommitBatch): Promise<void> {
    if (this.fenceOnce !== null && batch.entries.some((e) => e.command.type === 'bid')) {
      this.fenceOnce = null;
      throw new OutcryError('STALE_OWNER', 'a newer owner holds this partition');
    }
    await super.commit(batch);
  }
}

describe('commands for a partition this house owns', () => {
  it('are judged in memory without the queue; closes still go through it', async () => {
    const queue = new CountingQueue();
    house = createAuctionHouse({ backend: memoryBackendOf({ queue }), partitions: 1 });
    await house.start();
    const a = await house.createAuction({
      sellerId: 's',
      title: 'Lot',
      currency: 'USD',
      startingPrice: 100,
      endsAt: Date.now() + 300,
    });
    const bids = await Promise.all([
      house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 500 }),
      house.placeBid({ auctionId: a.id, bidderId: 'carol', amount: 700 }),
    ]);
    expect(bids.map((b) => b.status)).toEqual(['accepted', 'accepted']);
    expect(queue.enqueued).toEqual([]);
    await expect.poll(() => house.getAuction(a.id).then((s) => s?.status), { timeout: 3_000 }).toBe('closed');
    expect(queue.enqueued).toEqual(['close']);
    expect((await house.getAuction(a.id))?.leaderId).toBe('carol');
    expect(house.metrics().queue).toMatchObject({ inMemory: 3, queued: 1 });
  });

  it('go through the queue to whoever owns the partition next when it is lost under them', async () => {
    const store = new FencingStore();
    const ports = { store, queue: new CountingQueue(), lock: new MemoryLock(), broadcaster: new MemoryBroadcaster() };
    const first = createAuctionHouse({ backend: memoryBackendOf(ports), partitions: 1, leaseTtlMs: 300 });
    await first.start();
    house = first;
    const a = await first.createAuction({
      sellerId: 's',
      title: 'Lot',
      currency: 'USD',
      startingPrice: 100,
      endsAt: Date.now() + 60_000,
    });
    const second = createAuctionHouse({ backend: memoryBackendOf(ports), partitions: 1, leaseTtlMs: 300 });
    await second.start();
    try {
      store.fenceOnce = first.houseId;
      const outcome = await first.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 500 });
      expect(outcome).toMatchObject({ status: 'accepted', leaderId: 'bob' });
      expect(ports.queue.enqueued).toEqual(['bid']);
      const history = await second.getBids(a.id);
      expect(history.items.map((b) => b.bidderId)).toEqual(['bob']);
    } finally {
      await second.stop();
    }
  });
});
