import { type AuctionHouse, type CommitBatch, createAuctionHouse, MemoryAuctionStore, OutcryError } from '@outcry/core';
import { afterEach, describe, expect, it } from 'vitest';

/** Keeps every commit it is sent; fails the next ones without writing when told. */
class RecordingStore extends MemoryAuctionStore {
  readonly batches: CommitBatch[] = [];
  failures = 0;

  override async commit(batch: CommitBatch): Promise<void> {
    this.batches.push(batch);
    if (this.failures > 0) {
      this.failures--;
      throw new OutcryError('UNAVAILABLE', 'store down');
    }
    await super.commit(batch);
  }

  /** The last batch that carried the outcome of `bidId`. */
  batchOf(bidId: string): CommitBatch | undefined {
    return [...this.batches].reverse().find((batch) => batch.outcomes.some((outcome) => outcome.bidId === bidId));
  }
}

let house: AuctionHouse;
afterEach(async () => {
  await house?.stop();
});

async function setUp(store: RecordingStore) {
  house = createAuctionHouse({ store, partitions: 1 });
  await house.start();
  return house.createAuction({
    sellerId: 's',
    title: 'Lot',
    currency: 'USD',
    startingPrice: 100,
    endsAt: Date.now() + 60_000,
  });
}

describe('bidIds the house mints are marked fresh in the commit', () => {
  it('names minted bidIds in freshBidIds, and never a bidId the caller chose', async () => {
    const store = new RecordingStore();
    const a = await setUp(store);
    const [minted, chosen] = await Promise.all([
      house.placeBid({ auctionId: a.id, bidderId: 'ann', amount: 200 }),
      house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 300, bidId: 'caller-chosen-1' }),
    ]);
    if (!('bidId' in minted)) throw new Error('an accepted or rejected bid has a bidId');
    expect(store.batchOf(minted.bidId)?.freshBidIds?.has(minted.bidId)).toBe(true);
    expect(chosen.status).toBe('accepted');
    expect(store.batchOf('caller-chosen-1')?.freshBidIds?.has('caller-chosen-1') ?? false).toBe(false);
  });

  it('marks none fresh while unsure whether a failed commit landed', async () => {
    const store = new RecordingStore();
    const a = await setUp(store);
    store.failures = 1;
    const first = await house.placeBid({ auctionId: a.id, bidderId: 'ann', amount: 200 });
    if (!('bidId' in first)) throw new Error('an accepted or rejected bid has a bidId');
    // Sent once with the bid marked fresh, failed, judged again while unsure: then sent unmarked.
    const sent = store.batches.filter((batch) => batch.outcomes.some((outcome) => outcome.bidId === first.bidId));
    expect(sent.map((batch) => batch.freshBidIds?.has(first.bidId) ?? false)).toEqual([true, false]);
    const next = await house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 300 });
    if (!('bidId' in next)) throw new Error('an accepted or rejected bid has a bidId');
    expect(store.batchOf(next.bidId)?.freshBidIds?.has(next.bidId)).toBe(true);
    expect((await house.getBids(a.id)).items).toHaveLength(2);
  });
});
