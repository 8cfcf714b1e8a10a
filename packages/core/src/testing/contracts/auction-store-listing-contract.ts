import { describe, expect, it } from 'vitest';
import type { AuctionState, AuctionStatus } from '../../engine/types.js';
import type { AuctionStore } from '../../ports/auction-store.js';
import type { AuctionStoreContractSkips } from './auction-store-contract.js';
import { expectOutcryError } from './expect-outcry-error.js';
import { type AuctionsOfPartitions, commitBatchOf, type ScriptedAuction, uniqueId } from './fixtures.js';

/** A store shared with other tests may hold more pages than ours; this only stops a runaway cursor. */
const MAX_PAGES = 10_000;

/** Newest first: createdAt descending, then id descending. Written here again so the suite does not trust the store's own. */
function newestFirst(a: AuctionState, b: AuctionState): number {
  if (a.spec.createdAt !== b.spec.createdAt) return b.spec.createdAt - a.spec.createdAt;
  return a.spec.id < b.spec.id ? 1 : a.spec.id > b.spec.id ? -1 : 0;
}

function idsOf(states: readonly AuctionState[]): string[] {
  return states.map((state) => state.spec.id);
}

/** Follows nextCursor to the end, checking each page on the way. */
async function listAll(store: AuctionStore, limit: number, status?: AuctionStatus): Promise<AuctionState[]> {
  const items: AuctionState[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await store.list({ limit, status, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    if (page.nextCursor === null) return items;
    expect(page.items.length, 'a page with a next cursor is not empty').toBeGreaterThan(0);
    cursor = page.nextCursor;
  }
  throw new Error(`list() gave more than ${MAX_PAGES} pages: its cursor does not advance.`);
}

/**
 * Auctions with ties on createdAt, so that the id decides; the ids share a prefix and differ
 * in one lowercase letter (what follows it only places them in their partition), so any sane
 * collation orders them alike. The i-th auction belongs to `partitionAt(i)`.
 */
function auctionsWithTies(
  { auctionIn }: AuctionsOfPartitions,
  createdAt: number,
  partitionAt: (index: number) => number,
): ScriptedAuction[] {
  const prefix = uniqueId('list');
  const layout: Array<[string, number]> = [
    ['c', 0],
    ['a', 0],
    ['b', 0],
    ['e', 1],
    ['f', 2],
    ['d', 2],
    ['g', 3],
  ];
  return layout.map(([letter, offset], i) =>
    auctionIn(partitionAt(i), { id: `${prefix}-${letter}`, createdAt: createdAt + offset }),
  );
}

/** list() and listActive() of the AuctionStore contract. */
export function describeAuctionStoreListingContract(
  newStore: () => Promise<AuctionStore>,
  partitions: AuctionsOfPartitions,
  skip: AuctionStoreContractSkips,
): void {
  const { newPartition, auctionIn } = partitions;
  describe.skipIf(skip.list === true)('list', () => {
    it('pages newest first (createdAt, then id, descending) with no duplicate, no gap, and a null cursor at the end', async () => {
      const store = await newStore();
      const [first, second] = [newPartition(), newPartition()];
      const auctions = auctionsWithTies(partitions, Date.now(), (i) => (i < 4 ? first : second));
      await store.commit(commitBatchOf(first, 1, auctions.slice(0, 4)));
      await store.commit(commitBatchOf(second, 1, auctions.slice(4)));
      const expected = idsOf(auctions.map((auction) => auction.state).sort(newestFirst));
      for (const limit of [1, 3, 7, 50]) {
        const listed = await listAll(store, limit);
        const ids = idsOf(listed);
        expect(new Set(ids).size, 'no auction is listed twice').toBe(ids.length);
        expect(ids.filter((id) => expected.includes(id))).toEqual(expected);
        expect([...listed].sort(newestFirst)).toEqual(listed);
      }
    });

    it('lists the latest states and filters by status', async () => {
      const store = await newStore();
      const partition = newPartition();
      const auctions = auctionsWithTies(partitions, Date.now(), () => partition);
      await store.commit(commitBatchOf(partition, 1, auctions));
      const [first, second, third] = auctions;
      if (first === undefined || second === undefined || third === undefined) throw new Error('fixture too short');
      first.close();
      second.cancel();
      third.close();
      await store.commit(commitBatchOf(partition, 1, [first, second, third]));
      const mine = (states: AuctionState[]) =>
        idsOf(states).filter((id) => auctions.some((auction) => auction.id === id));
      const expectedWith = (status: AuctionStatus) =>
        idsOf(
          auctions
            .map((auction) => auction.state)
            .filter((state) => state.status === status)
            .sort(newestFirst),
        );
      for (const status of ['open', 'closed', 'cancelled', 'scheduled'] as const) {
        const listed = await listAll(store, 2, status);
        expect(listed.every((state) => state.status === status)).toBe(true);
        expect(mine(listed)).toEqual(expectedWith(status));
      }
      const closed = (await listAll(store, 50, 'closed')).find((state) => state.spec.id === first.id);
      expect(closed).toEqual(first.state);
    });

    it('keeps its place when newer auctions arrive between pages', async () => {
      const store = await newStore();
      const partition = newPartition();
      const createdAt = Date.now();
      const auctions = auctionsWithTies(partitions, createdAt, () => partition);
      await store.commit(commitBatchOf(partition, 1, auctions));
      const firstPage = await store.list({ limit: 3 });
      expect(firstPage.nextCursor).not.toBeNull();
      await store.commit(commitBatchOf(partition, 1, [auctionIn(partition, { createdAt: createdAt + 60_000 })]));
      const rest: AuctionState[] = [];
      let cursor = firstPage.nextCursor;
      while (cursor !== null) {
        const page = await store.list({ limit: 3, cursor });
        rest.push(...page.items);
        cursor = page.nextCursor;
      }
      const ids = idsOf([...firstPage.items, ...rest]);
      const expected = idsOf(auctions.map((auction) => auction.state).sort(newestFirst));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => expected.includes(id))).toEqual(expected);
    });

    it('refuses a cursor it did not give out with INVALID_INPUT', async () => {
      const store = await newStore();
      const partition = newPartition();
      await store.commit(commitBatchOf(partition, 1, [auctionIn(partition)]));
      await expectOutcryError(store.list({ limit: 10, cursor: 'not a cursor {' }), 'INVALID_INPUT');
    });

    it('refuses crafted cursors with INVALID_INPUT before they reach a query, with or without a status', async () => {
      const store = await newStore();
      const partition = newPartition();
      await store.commit(commitBatchOf(partition, 1, [auctionIn(partition)]));
      const crafted = [
        '[1,"a\u0000b"]',
        '[1,"a\ud800b"]',
        '[1.5,"x"]',
        '[1e308,"x"]',
        '[-1,"x"]',
        '[1,"has space"]',
        '[1,"x",2]',
        '["1","x"]',
        'null',
      ].map((json) => Buffer.from(json).toString('base64url'));
      for (const cursor of [...crafted, '', '\u0000', 'x'.repeat(600)]) {
        await expectOutcryError(store.list({ limit: 10, cursor }), 'INVALID_INPUT');
        await expectOutcryError(store.list({ limit: 10, status: 'open', cursor }), 'INVALID_INPUT');
      }
      // The cursors the store gives out still work after all that.
      const page = await store.list({ limit: 1 });
      if (page.nextCursor !== null)
        expect((await store.list({ limit: 1, cursor: page.nextCursor })).items).toHaveLength(1);
    });
  });

  describe.skipIf(skip.listActive === true)('listActive', () => {
    it('returns the latest states of the partition’s scheduled and open auctions only', async () => {
      const store = await newStore();
      const partition = newPartition();
      const open = auctionIn(partition);
      const scheduled = auctionIn(partition, { scheduled: true });
      const closed = auctionIn(partition);
      const cancelled = auctionIn(partition);
      const other = newPartition();
      const elsewhere = auctionIn(other);
      await store.commit(commitBatchOf(partition, 1, [open, scheduled, closed, cancelled]));
      await store.commit(commitBatchOf(other, 1, [elsewhere]));
      open.bid('bidder-a', 1_000);
      closed.close();
      cancelled.cancel();
      await store.commit(commitBatchOf(partition, 1, [open, closed, cancelled]));
      const active = await store.listActive(partition);
      expect(active.every((state) => state.status === 'open' || state.status === 'scheduled')).toBe(true);
      const activeById = new Map(active.map((state) => [state.spec.id, state]));
      const ours = [open, scheduled, closed, cancelled, elsewhere].filter((auction) => activeById.has(auction.id));
      expect(ours.map((auction) => auction.id).sort()).toEqual([open.id, scheduled.id].sort());
      expect(activeById.get(open.id)).toEqual(open.state);
      expect(activeById.get(scheduled.id)).toEqual(scheduled.state);
    });
  });
}
