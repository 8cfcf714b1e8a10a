import { describe, expect, it } from 'vitest';
import type { AuctionStore, HistoryQuery, LedgerEntry } from '../../ports/auction-store.js';
import type { PartitionFencing } from '../../ports/backend.js';
import { describeAuctionStoreListingContract } from './auction-store-listing-contract.js';
import { type ContractHooks, trackInstances } from './contract-hooks.js';
import { expectOutcryError } from './expect-outcry-error.js';
import { auctionsOfPartitions, batchOfSteps, commitBatchOf, uniqueId } from './fixtures.js';

/** Groups of the AuctionStore contract that a backend may switch off. */
export interface AuctionStoreContractSkips {
  /** getMany after commit. */
  readonly states?: boolean;
  /** getLedger and getBids, with paging. */
  readonly ledger?: boolean;
  /** getOutcomes. */
  readonly outcomes?: boolean;
  /** Fencing tokens, seq and bidId conflicts: refused batches write nothing. */
  readonly refusals?: boolean;
  /** list(): order, status filter, keyset cursors. */
  readonly list?: boolean;
  /** listActive(partition). */
  readonly listActive?: boolean;
  /** claimPartition: switch it off for a store without the method. */
  readonly claims?: boolean;
}

export interface AuctionStoreContractOptions extends ContractHooks {
  readonly skip?: AuctionStoreContractSkips;
  /**
   * The partition count (16 by default): every auction is committed into its own partition,
   * `partitionOf(id, partitions)`, as a house commits it, and the partitions of a test are
   * 0..partitions-1, taken in turn. Tests share partitions, so each needs a store of its own.
   */
  readonly partitions?: number;
}

/** A factory of fresh, isolated stores; the suite closes each one after its test. */
export type AuctionStoreFactory = () => Promise<AuctionStore> | AuctionStore;

const WHOLE_LEDGER: HistoryQuery = { afterSeq: 0, limit: 10_000 };

/** Everything a commit could have written for these auctions and bids, to compare before and after a refusal. */
async function readBack(
  store: AuctionStore,
  auctionIds: readonly string[],
  bidIds: readonly string[],
  partition: number,
) {
  const active = await store.listActive(partition);
  return {
    states: await store.getMany(auctionIds),
    ledgers: await Promise.all(auctionIds.map((id) => store.getLedger(id, WHOLE_LEDGER))),
    outcomes: await store.getOutcomes(bidIds),
    active: active
      .filter((state) => auctionIds.includes(state.spec.id))
      .map((state) => state.spec.id)
      .sort(),
  };
}

/**
 * The contract every AuctionStore meets: round trips of states, ledger and outcomes; atomic
 * commits refused whole (and leaving no trace) on a stale fencing token or a ledger conflict;
 * newest-first keyset listing; the active auctions of a partition; partition claims that
 * raise the fencing token only above the highest.
 */
export function describeAuctionStoreContract(
  makeStore: AuctionStoreFactory,
  options: AuctionStoreContractOptions = {},
): void {
  const skip = options.skip ?? {};
  const { newPartition, auctionIn } = auctionsOfPartitions(options.partitions ?? 16);

  describe('AuctionStore contract', () => {
    const instances = trackInstances(options);
    const newStore = async (): Promise<AuctionStore> => instances.add(await makeStore());

    describe.skipIf(skip.states === true)('states', () => {
      it('getMany returns committed states in the order asked, null for a missing id', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        const b = auctionIn(partition, { scheduled: true });
        await store.commit(commitBatchOf(partition, 1, [a, b]));
        expect(await store.getMany([b.id, uniqueId('missing'), a.id])).toEqual([b.state, null, a.state]);
        expect(await store.getMany([])).toEqual([]);
      });

      it('getMany returns the latest committed state', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        await store.commit(commitBatchOf(partition, 1, [a]));
        a.bid('bidder-a', 1_000);
        a.bid('bidder-b', 1_500);
        await store.commit(commitBatchOf(partition, 1, [a]));
        const [state] = await store.getMany([a.id]);
        expect(state).toEqual(a.state);
        expect(state?.seq).toBe(3);
        expect(state?.price).toBe(1_100);
      });
    });

    describe.skipIf(skip.ledger === true)('ledger', () => {
      it('getLedger returns every entry in seq order, across commits', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        const entries: LedgerEntry[] = [];
        const commit = async () => {
          const batch = commitBatchOf(partition, 1, [a]);
          entries.push(...batch.entries);
          await store.commit(batch);
        };
        await commit();
        a.bid('bidder-a', 1_000);
        a.bid('bidder-b', 1_500);
        await commit();
        expect(a.bid('bidder-c', 1_100).entry).toBeNull();
        a.bid('bidder-a', 3_000);
        a.close();
        await commit();
        const ledger = await store.getLedger(a.id, WHOLE_LEDGER);
        expect(ledger.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(ledger).toEqual(entries);
        expect(await store.getLedger(uniqueId('missing'), WHOLE_LEDGER)).toEqual([]);
      });

      it('getLedger pages with afterSeq and limit', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        for (let i = 0; i < 6; i++) a.bid(`bidder-${i}`, 1_000 + 500 * i);
        await store.commit(commitBatchOf(partition, 1, [a]));
        const seqs = async (afterSeq: number, limit: number) =>
          (await store.getLedger(a.id, { afterSeq, limit })).map((entry) => entry.seq);
        expect(await seqs(2, 2)).toEqual([3, 4]);
        expect(await seqs(5, 10)).toEqual([6, 7]);
        expect(await seqs(7, 10)).toEqual([]);
        const paged: number[] = [];
        for (let afterSeq = 0, page = await seqs(0, 3); page.length > 0; page = await seqs(afterSeq, 3)) {
          expect(page.length).toBeLessThanOrEqual(3);
          paged.push(...page);
          afterSeq = page[page.length - 1] ?? afterSeq;
        }
        expect(paged).toEqual([1, 2, 3, 4, 5, 6, 7]);
      });

      it('getBids returns only bids and buy-nows, in seq order, paged with afterSeq and limit', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        a.bid('bidder-a', 1_000);
        a.bid('bidder-b', 1_500);
        a.bid('bidder-c', 900);
        a.bid('bidder-a', 2_500);
        a.close();
        const bought = auctionIn(partition, { buyNowPrice: 9_000 });
        bought.buyNow('bidder-d');
        await store.commit(commitBatchOf(partition, 1, [a, bought]));
        const bids = await store.getBids(a.id, WHOLE_LEDGER);
        expect(bids.map((entry) => [entry.seq, entry.command.type])).toEqual([
          [2, 'bid'],
          [3, 'bid'],
          [4, 'bid'],
        ]);
        expect((await store.getBids(a.id, { afterSeq: 2, limit: 1 })).map((entry) => entry.seq)).toEqual([3]);
        expect((await store.getBids(a.id, { afterSeq: 4, limit: 10 })).map((entry) => entry.seq)).toEqual([]);
        expect((await store.getBids(bought.id, WHOLE_LEDGER)).map((entry) => entry.command.type)).toEqual(['buy-now']);
      });
    });

    describe.skipIf(skip.outcomes === true)('outcomes', () => {
      it('getOutcomes returns stored outcomes in the order asked, null for an unknown bidId', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        const accepted = a.bid('bidder-a', 1_000).outcome;
        const rejected = a.bid('bidder-b', 500).outcome;
        await store.commit(commitBatchOf(partition, 1, [a]));
        expect(accepted?.outcome.status).toBe('accepted');
        expect(rejected?.outcome.status).toBe('rejected');
        const unknown = uniqueId('bid');
        expect(await store.getOutcomes([rejected?.bidId ?? '', unknown, accepted?.bidId ?? ''])).toEqual([
          rejected,
          null,
          accepted,
        ]);
      });

      it('keeps the first outcome of a bidId, within a batch and across batches', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        const first = a.bid('bidder-a', 500).outcome;
        if (first === null || first.outcome.status !== 'rejected') throw new Error('a bid below the start is rejected');
        const second = { ...first, fingerprint: 'another body', outcome: { ...first.outcome, message: 'second' } };
        const batch = commitBatchOf(partition, 1, [a]);
        await store.commit({ ...batch, outcomes: [...batch.outcomes, second] });
        await store.commit({
          partition,
          fencingToken: 1,
          states: [],
          entries: [],
          outcomes: [second],
          freshBidIds: new Set(),
          broadcast: null,
        });
        expect(await store.getOutcomes([first.bidId])).toEqual([first]);
      });

      it('stores the outcomes of bidIds the house minted (freshBidIds) beside the others', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        const b = auctionIn(partition);
        a.bid('bidder-a', 1_000);
        b.bid('bidder-b', 1_000);
        a.bid('bidder-c', 10);
        const batch = commitBatchOf(partition, 1, [a, b]);
        const minted = new Set(batch.outcomes.slice(1).map((outcome) => outcome.bidId));
        await store.commit({ ...batch, freshBidIds: minted });
        expect(await store.getOutcomes(batch.outcomes.map((outcome) => outcome.bidId))).toEqual(batch.outcomes);
        expect(await store.getMany([a.id, b.id])).toEqual([a.state, b.state]);
        expect(await store.getLedger(a.id, { afterSeq: 0, limit: 10 })).toEqual(
          batch.entries.filter((entry) => entry.auctionId === a.id),
        );
      });
    });

    describe.skipIf(skip.refusals === true)('refused commits', () => {
      it('refuses a token below the highest seen for the partition with STALE_OWNER, writing nothing', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        a.bid('bidder-a', 1_000);
        await store.commit(commitBatchOf(partition, 5, [a]));
        a.bid('bidder-b', 1_500);
        const b = auctionIn(partition);
        b.bid('bidder-c', 1_000);
        const stale = commitBatchOf(partition, 4, [a, b]);
        const bidIds = stale.outcomes.map((outcome) => outcome.bidId);
        const before = await readBack(store, [a.id, b.id], bidIds, partition);
        await expectOutcryError(store.commit(stale), 'STALE_OWNER');
        const after = await readBack(store, [a.id, b.id], bidIds, partition);
        expect(after).toEqual(before);
        expect(after.states[0]?.seq).toBe(2);
        expect(after.states[1]).toBeNull();
        expect(after.outcomes).toEqual([null, null]);
      });

      it('accepts the same or a higher token, after which the lower one is refused', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        await store.commit(commitBatchOf(partition, 5, [a]));
        a.bid('bidder-a', 1_000);
        await store.commit(commitBatchOf(partition, 5, [a]));
        a.bid('bidder-b', 1_500);
        await store.commit(commitBatchOf(partition, 6, [a]));
        a.bid('bidder-c', 2_500);
        await expectOutcryError(store.commit(commitBatchOf(partition, 5, [a])), 'STALE_OWNER');
        expect((await store.getMany([a.id]))[0]?.seq).toBe(3);
      });

      it('keeps fencing tokens per partition', async () => {
        const store = await newStore();
        const [first, second] = [newPartition(), newPartition()];
        await store.commit(commitBatchOf(first, 10, [auctionIn(first)]));
        const other = auctionIn(second);
        await store.commit(commitBatchOf(second, 1, [other]));
        expect(await store.getMany([other.id])).toEqual([other.state]);
      });

      it('refuses a batch whose entry skips a seq, whole, and does not raise the token', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        await store.commit(commitBatchOf(partition, 5, [a]));
        a.bid('bidder-a', 1_000);
        const skipping = a.bid('bidder-b', 1_500);
        a.takePending(); // this writer missed the seq 2 change and sends only seq 3
        const b = auctionIn(partition);
        const gap = batchOfSteps(partition, 9, [skipping, ...b.takePending()]);
        const before = await readBack(store, [a.id, b.id], [skipping.outcome?.bidId ?? ''], partition);
        await expectOutcryError(store.commit(gap), 'STALE_OWNER');
        expect(await readBack(store, [a.id, b.id], [skipping.outcome?.bidId ?? ''], partition)).toEqual(before);
        // The refused batch carried token 9: the owner of token 5 must still be able to write.
        const c = auctionIn(partition);
        await store.commit(commitBatchOf(partition, 5, [c]));
        expect(await store.getMany([c.id])).toEqual([c.state]);
      });

      it('refuses a batch whose entry repeats a committed seq, whole', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        await store.commit(commitBatchOf(partition, 1, [a]));
        const staleWriter = a.fork();
        a.bid('bidder-a', 1_000);
        await store.commit(commitBatchOf(partition, 1, [a]));
        staleWriter.bid('bidder-b', 2_000);
        const b = auctionIn(partition);
        const conflicting = commitBatchOf(partition, 1, [staleWriter, b]);
        const bidIds = conflicting.outcomes.map((outcome) => outcome.bidId);
        const before = await readBack(store, [a.id, b.id], bidIds, partition);
        await expectOutcryError(store.commit(conflicting), 'STALE_OWNER');
        expect(await readBack(store, [a.id, b.id], bidIds, partition)).toEqual(before);
        expect((await store.getMany([a.id]))[0]).toEqual(a.state);
      });

      it('refuses an entry whose bidId is already in the ledger', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        const bidId = uniqueId('bid');
        a.bid('bidder-a', 1_000, bidId);
        await store.commit(commitBatchOf(partition, 1, [a]));
        const committed = await readBack(store, [a.id], [bidId], partition);
        expect(a.bid('bidder-b', 1_500, bidId).entry?.seq).toBe(3);
        await expectOutcryError(store.commit(commitBatchOf(partition, 1, [a])), 'STALE_OWNER');
        expect(await readBack(store, [a.id], [bidId], partition)).toEqual(committed);
      });

      it('refuses a batch with two entries of one bidId, whole', async () => {
        const store = await newStore();
        const partition = newPartition();
        const a = auctionIn(partition);
        await store.commit(commitBatchOf(partition, 1, [a]));
        const bidId = uniqueId('bid');
        a.bid('bidder-a', 1_000, bidId);
        a.bid('bidder-b', 1_500, bidId);
        const before = await readBack(store, [a.id], [bidId], partition);
        await expectOutcryError(store.commit(commitBatchOf(partition, 1, [a])), 'STALE_OWNER');
        expect(await readBack(store, [a.id], [bidId], partition)).toEqual(before);
      });
    });

    describe.skipIf(skip.claims === true)('partition claims', () => {
      /** The store's claimPartition, or null (the test then checks nothing) for a store without one. */
      const claimsOf = async () => {
        const store = await newStore();
        const claim = (store as Partial<PartitionFencing>).claimPartition?.bind(store);
        if (claim === undefined) throw new Error('A store without claimPartition() sets skip.claims.');
        return { store, claim };
      };

      it('claims a token above the highest, after which lower tokens are refused', async () => {
        const claims = await claimsOf();
        const { store, claim } = claims;
        const partition = newPartition();
        const a = auctionIn(partition);
        await store.commit(commitBatchOf(partition, 3, [a]));
        expect(await claim(partition, 7)).toEqual({ claimed: true, highestToken: 7 });
        const late = auctionIn(partition);
        await expectOutcryError(store.commit(commitBatchOf(partition, 6, [late])), 'STALE_OWNER');
        expect(await store.getMany([late.id])).toEqual([null]);
        a.bid('bidder-a', 1_000);
        await store.commit(commitBatchOf(partition, 7, [a]));
        expect((await store.getMany([a.id]))[0]).toEqual(a.state);
      });

      it('does not claim a token at or below the highest, and answers the highest', async () => {
        const claims = await claimsOf();
        const { store, claim } = claims;
        const partition = newPartition();
        await store.commit(commitBatchOf(partition, 5, [auctionIn(partition)]));
        expect(await claim(partition, 5)).toEqual({ claimed: false, highestToken: 5 });
        expect(await claim(partition, 2)).toEqual({ claimed: false, highestToken: 5 });
        expect(await claim(partition, 6)).toEqual({ claimed: true, highestToken: 6 });
        // Two owners given the same token: the second is told no, so only one of them writes.
        expect(await claim(partition, 6)).toEqual({ claimed: false, highestToken: 6 });
      });

      it('claims a partition nothing was committed to, and keeps partitions apart', async () => {
        const claims = await claimsOf();
        const { store, claim } = claims;
        const [first, second] = [newPartition(), newPartition()];
        expect(await claim(first, 40)).toEqual({ claimed: true, highestToken: 40 });
        expect(await claim(second, 1)).toEqual({ claimed: true, highestToken: 1 });
        const a = auctionIn(second);
        await store.commit(commitBatchOf(second, 1, [a]));
        expect((await store.getMany([a.id]))[0]).toEqual(a.state);
      });

      it('refuses a token that is not a safe integer of at least 1 with INVALID_INPUT', async () => {
        const claims = await claimsOf();
        for (const token of [0, -3, 2.5, Number.NaN])
          await expectOutcryError(claims.claim(newPartition(), token), 'INVALID_INPUT');
      });
    });

    describeAuctionStoreListingContract(newStore, { newPartition, auctionIn }, skip);
  });
}
