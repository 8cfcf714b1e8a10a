import { type AuctionHouse, createAuctionHouse, OutcryError } from '@outcry/core';
import { type CommitBatch, MemoryAuctionStore } from '@outcry/core/adapter-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryBackendOf } from '../support/memory-backend-of.js';

type Plan = 'ok' | 'before' | 'after';

/**
 * Applies each commit when it is sent, in order (as Redis runs scripts), but holds its reply
 * until the test releases it. A planned failure drops the commit ('before') or its reply ('after').
 */
class HeldReplyStore extends MemoryAuctionStore {
  holding = false;
  readonly plans: Plan[] = [];
  readonly held: Array<{ readonly bids: number; readonly release: () => void }> = [];

  override commit(batch: CommitBatch): Promise<void> {
    if (!this.holding) return super.commit(batch);
    const plan = this.plans.shift() ?? 'ok';
    const outcome =
      plan === 'before'
        ? Promise.reject(new OutcryError('UNAVAILABLE', 'store down'))
        : super.commit(batch).then(() => {
            if (plan === 'after') throw new OutcryError('UNAVAILABLE', 'reply lost');
          });
    outcome.catch(() => undefined);
    const bids = batch.entries.filter((entry) => entry.command.type === 'bid').length;
    return new Promise<void>((resolve, reject) => {
      this.held.push({ bids, release: () => void outcome.then(resolve, reject) });
    });
  }
}

let house: AuctionHouse;
afterEach(async () => {
  await house?.stop();
});

async function setUp(store: HeldReplyStore) {
  house = createAuctionHouse({ backend: memoryBackendOf({ store }), partitions: 1 });
  await house.start();
  const auction = await house.createAuction({
    sellerId: 's',
    title: 'Lot',
    currency: 'USD',
    startingPrice: 100,
    endsAt: Date.now() + 60_000,
  });
  store.holding = true;
  return auction;
}

/** 40 bids from 40 bidders, each above the last: every one is accepted. */
function placeRisingBids(auctionId: string, answered: number[]) {
  return Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      house.placeBid({ auctionId, bidderId: `bidder-${i}`, amount: 1_000 + i * 100 }).then((outcome) => {
        answered.push(i);
        return outcome;
      }),
    ),
  );
}

describe('commits in flight two at a time', () => {
  it('judge and send the next batch while one is in flight, and answer in commit order', async () => {
    const store = new HeldReplyStore();
    const auction = await setUp(store);
    const answered: number[] = [];
    const bids = placeRisingBids(auction.id, answered);
    await expect.poll(() => store.held.length).toBe(2);
    expect(store.held.map((h) => h.bids)).toEqual([20, 20]);
    // The second reply first: nobody is answered before the first batch is.
    store.held[1]?.release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(answered).toEqual([]);
    store.held[0]?.release();
    const outcomes = await bids;
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(answered.slice(0, 20).every((i) => i < 20)).toBe(true);
    expect((await house.getLedger(auction.id)).map((e) => e.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect(house.metrics().sequencer.commitErrors).toBe(0);
  });

  it('after a failed commit, judge it and every batch sent after it again: each bid lands once', async () => {
    const store = new HeldReplyStore();
    const auction = await setUp(store);
    store.plans.push('before');
    const answered: number[] = [];
    const bids = placeRisingBids(auction.id, answered);
    await expect.poll(() => store.held.length).toBe(2);
    store.holding = false;
    // The second batch was refused too (its seqs follow the first's, which never landed).
    store.held[1]?.release();
    store.held[0]?.release();
    const outcomes = await bids;
    expect(outcomes.map((o) => o.status)).toEqual(Array(40).fill('accepted'));
    const ledger = await house.getLedger(auction.id);
    expect(ledger.map((e) => e.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    expect((await house.getAuction(auction.id))?.leaderId).toBe('bidder-39');
    expect(house.metrics().sequencer.commitErrors).toBe(1);
    expect(house.metrics().partitions.owned).toEqual([0]);
  });

  it('after a lost reply, find what landed, including the batch sent after it, and write nothing twice', async () => {
    const store = new HeldReplyStore();
    const auction = await setUp(store);
    store.plans.push('after');
    const answered: number[] = [];
    const bids = placeRisingBids(auction.id, answered);
    await expect.poll(() => store.held.length).toBe(2);
    store.holding = false;
    store.held[0]?.release();
    store.held[1]?.release();
    const outcomes = await bids;
    expect(outcomes.map((o) => o.status)).toEqual(Array(40).fill('accepted'));
    const ledger = await house.getLedger(auction.id);
    expect(ledger.map((e) => e.seq)).toEqual(Array.from({ length: 41 }, (_, i) => i + 1));
    const bidIds = ledger.flatMap((e) => (e.command.type === 'bid' ? [e.command.bidId] : []));
    expect(new Set(bidIds).size).toBe(40);
    expect(house.metrics().sequencer.commitErrors).toBe(1);
  });

  it('treat a store that throws instead of rejecting as a failed commit, and retry', async () => {
    class ThrowingStore extends MemoryAuctionStore {
      throwNext = false;
      override commit(batch: CommitBatch): Promise<void> {
        if (this.throwNext) {
          this.throwNext = false;
          throw new OutcryError('UNAVAILABLE', 'thrown, not rejected');
        }
        return super.commit(batch);
      }
    }
    const store = new ThrowingStore();
    house = createAuctionHouse({ backend: memoryBackendOf({ store }), partitions: 1 });
    await house.start();
    const auction = await house.createAuction({
      sellerId: 's',
      title: 'Lot',
      currency: 'USD',
      startingPrice: 100,
      endsAt: Date.now() + 60_000,
    });
    store.throwNext = true;
    const outcome = await house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 500 });
    expect(outcome.status).toBe('accepted');
    expect(house.metrics().sequencer.commitErrors).toBe(1);
    expect(house.metrics().partitions.owned).toEqual([0]);
  });

  it('is one at a time for a store that does not keep commits in order', async () => {
    const unordered = () => memoryBackendOf({}, { commitsInOrder: false });
    expect(() => createAuctionHouse({ backend: unordered(), partitions: 1, maxCommitsInFlight: 2 })).toThrow(
      /commitsInOrder/,
    );
    house = createAuctionHouse({ backend: unordered(), partitions: 1 });
    expect(() => createAuctionHouse({ partitions: 1, maxCommitsInFlight: 0 })).toThrow(/at least 1/);
  });
});
