import {
  type AuctionHouse,
  type AuctionHouseOptions,
  type BidOutcome,
  createAuctionHouse,
  type HealthEvent,
  isOutcryError,
  OutcryError,
} from '@outcry/core';
import { type CommitBatch, MemoryAuctionStore, MemoryBidQueue, type QueueItem } from '@outcry/core/adapter-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryBackendOf } from '../support/memory-backend-of.js';

/**
 * A store that refuses, as PostgreSQL refuses a NUL character, any batch holding the text
 * `REFUSED_BY_STORE` anywhere (a bidder id, a title, a reason): the whole batch, before writing.
 */
class RefusingStore extends MemoryAuctionStore {
  commits = 0;
  refusals = 0;

  override async commit(batch: CommitBatch): Promise<void> {
    this.commits++;
    if (JSON.stringify(batch).includes('REFUSED_BY_STORE')) {
      this.refusals++;
      throw new OutcryError('STORE_REJECTED', 'Commit refused: the store cannot keep REFUSED_BY_STORE.');
    }
    await super.commit(batch);
  }
}

/** A queue that refuses, like the PostgreSQL queue's jsonb refuses a NUL character, any enqueue holding `REFUSED_BY_STORE`. */
class RefusingQueue extends MemoryBidQueue {
  override async enqueue(partition: number, items: readonly QueueItem[]): Promise<void> {
    if (items.some((item) => JSON.stringify(item.command).includes('REFUSED_BY_STORE')))
      throw new OutcryError('STORE_REJECTED', 'Enqueue refused: the queue cannot keep REFUSED_BY_STORE.');
    await super.enqueue(partition, items);
  }
}

let house: AuctionHouse;
afterEach(async () => {
  await house?.stop();
});

async function setUp(
  store: MemoryAuctionStore,
  options: AuctionHouseOptions & { readonly queue?: MemoryBidQueue } = {},
) {
  const { queue, ...rest } = options;
  house = createAuctionHouse({
    backend: memoryBackendOf(queue === undefined ? { store } : { store, queue }),
    partitions: 1,
    ...rest,
  });
  await house.start();
  return house.createAuction({
    sellerId: 's',
    title: 'Lot',
    currency: 'USD',
    startingPrice: 100,
    increment: { type: 'fixed', amount: 1 },
    endsAt: Date.now() + 60_000,
  });
}

/** `count` bids taken in together (one batch), rising by 10; the one at `poisonAt` bids far above and is refused. */
function bidsAround(auctionId: string, count: number, poisonAt: number[]): Promise<BidOutcome>[] {
  return Array.from({ length: count }, (_, i) =>
    poisonAt.includes(i)
      ? house.placeBid({ auctionId, bidderId: `REFUSED_BY_STORE${i}`, amount: 1_000_000, bidId: `poison-${i}` })
      : house.placeBid({ auctionId, bidderId: `b${i}`, amount: 200 + 10 * i, bidId: `ok-${i}` }),
  );
}

describe('a command whose content the store refuses', () => {
  it.each([
    ['first', [0]],
    ['in the middle', [17]],
    ['last', [39]],
    ['twice', [3, 30]],
  ])('is rejected alone when it comes %s: the others commit in order, judged without it', async (_where, poisonAt) => {
    const store = new RefusingStore();
    const a = await setUp(store);
    const outcomes = await Promise.all(bidsAround(a.id, 40, poisonAt));
    for (const [i, outcome] of outcomes.entries()) {
      if (poisonAt.includes(i)) {
        expect(outcome).toMatchObject({ status: 'rejected', code: 'STORE_REJECTED', bidId: `poison-${i}` });
        expect((outcome as { message: string }).message).toContain('not applied');
      } else {
        // Judged on a state without the poison's maximum: every rising bid leads.
        expect(outcome).toMatchObject({ status: 'accepted', leaderId: `b${i}` });
      }
    }
    const ledger = await house.getLedger(a.id);
    expect(ledger.map((entry) => entry.seq)).toEqual(ledger.map((_, i) => i + 1));
    const bidIds = ledger.flatMap((entry) => (entry.command.type === 'bid' ? [entry.command.bidId] : []));
    expect(bidIds).toEqual(outcomes.filter((o) => o.status === 'accepted').map((o) => o.bidId));
    expect(house.metrics().sequencer).toMatchObject({ refusedCommands: poisonAt.length, commitErrors: 0 });
    // Halving finds each poison in a few commits, not one commit per command.
    expect(store.commits).toBeLessThan(40);
    for (const i of poisonAt) expect(await house.getBidOutcome(`poison-${i}`)).toBeNull();
  });

  it('keeps idempotency: a repeated good bidId gets its outcome, a repeated poison is refused again', async () => {
    const store = new RefusingStore();
    const a = await setUp(store);
    const outcomes = await Promise.all(bidsAround(a.id, 10, [4]));
    expect(await house.placeBid({ auctionId: a.id, bidderId: 'b2', amount: 220, bidId: 'ok-2' })).toEqual(outcomes[2]);
    const again = await house.placeBid({
      auctionId: a.id,
      bidderId: 'REFUSED_BY_STORE4',
      amount: 1_000_000,
      bidId: 'poison-4',
    });
    expect(again).toMatchObject({ status: 'rejected', code: 'STORE_REJECTED' });
    expect(house.metrics().sequencer.refusedCommands).toBe(2);
  });

  it('refuses a create or a cancel with STORE_REJECTED, and the partition keeps judging', async () => {
    const store = new RefusingStore();
    const a = await setUp(store);
    const events: HealthEvent[] = [];
    house.onHealth((event) => events.push(event));
    const [created, cancelled, bid] = await Promise.allSettled([
      house.createAuction({
        sellerId: 's',
        title: 'a REFUSED_BY_STORE title',
        currency: 'USD',
        startingPrice: 100,
        endsAt: Date.now() + 60_000,
      }),
      house.cancelAuction(a.id, { by: 's', reason: 'a REFUSED_BY_STORE reason' }),
      house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 500 }),
    ]);
    for (const result of [created, cancelled]) {
      expect(result.status).toBe('rejected');
      const reason = (result as PromiseRejectedResult).reason;
      expect(isOutcryError(reason) && reason.code).toBe('STORE_REJECTED');
    }
    expect(bid).toMatchObject({ status: 'fulfilled', value: { status: 'accepted', leaderId: 'bob' } });
    expect((await house.getAuction(a.id))?.status).toBe('open');
    expect(events.map((event) => event.type === 'refused' && event.command).sort()).toEqual(['cancel', 'create']);
    expect((await house.listAuctions()).items).toHaveLength(1);
  });

  it('is acknowledged off the queue, so no later owner sees it again', async () => {
    const store = new RefusingStore();
    const queue = new MemoryBidQueue();
    const a = await setUp(store, { queue, queueLocalCommands: true });
    await Promise.all(bidsAround(a.id, 12, [6]));
    for (let i = 0; i < 50 && (await queue.depth(0)) > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await queue.depth(0)).toBe(0);
    await house.stop();
    const refusals = store.refusals;
    house = createAuctionHouse({ backend: memoryBackendOf({ store, queue }), partitions: 1, queueLocalCommands: true });
    await house.start();
    expect(await house.placeBid({ auctionId: a.id, bidderId: 'late', amount: 5_000 })).toMatchObject({
      status: 'accepted',
    });
    expect(store.refusals).toBe(refusals);
    expect(house.metrics().sequencer.refusedCommands).toBe(0);
  });

  it('refused by the queue at enqueue, is refused alone; the commands taken in with it are queued', async () => {
    const a = await setUp(new MemoryAuctionStore(), { queue: new RefusingQueue(), queueLocalCommands: true });
    const outcomes = await Promise.all(bidsAround(a.id, 8, [3]));
    expect(outcomes[3]).toMatchObject({ status: 'rejected', code: 'STORE_REJECTED', bidId: 'poison-3' });
    expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(7);
    expect(outcomes.at(-1)).toMatchObject({ status: 'accepted', leaderId: 'b7' });
  });
});
