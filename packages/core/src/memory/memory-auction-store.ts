import type { AuctionState } from '../engine/types.js';
import { OutcryError } from '../errors.js';
import { partitionCountMismatch } from '../house/partition-of.js';
import type {
  AuctionStore,
  CommitBatch,
  HistoryQuery,
  LedgerEntry,
  ListAuctionsQuery,
  Page,
  PartitionClaim,
  StoredOutcome,
} from '../ports/auction-store.js';
import type { PartitionFencing } from '../ports/backend.js';
import { type Clock, systemClock } from '../ports/clock.js';
import { decodeListCursor, encodeListCursor } from '../schemas/list-cursor.js';
import { compareNewestFirst } from './compare-newest-first.js';

interface AuctionRecord {
  state: AuctionState;
  partition: number;
  ledger: LedgerEntry[];
  /** BidIds whose outcomes are kept for this auction: they leave memory with it. */
  bidIds: string[];
}

/** Options of the in-memory store. */
export interface MemoryAuctionStoreOptions {
  /**
   * How long a closed or cancelled auction stays, with its ledger and the outcomes of its bids
   * (1 hour); then it is forgotten: reads find nothing, and a bid on it is AUCTION_NOT_FOUND.
   * Outcomes of bids on auctions that never existed are kept as long. `Infinity` keeps all.
   */
  readonly retainClosedMs?: number;
  /** The clock retention is measured by (the house passes its own). */
  readonly clock?: Clock;
}

const DEFAULT_RETAIN_CLOSED_MS = 3_600_000;
/** At most one sweep of ended auctions per this many ms of the clock, on a commit. */
const SWEEP_EVERY_MS = 1_000;

function isBidEntry(entry: LedgerEntry): boolean {
  return entry.command.type === 'bid' || entry.command.type === 'buy-now';
}

/** Entries after `afterSeq`: seqs are dense from 1, so the index is the seq. */
function sliceLedger(
  ledger: readonly LedgerEntry[],
  query: HistoryQuery,
  keep: (e: LedgerEntry) => boolean,
): LedgerEntry[] {
  const items: LedgerEntry[] = [];
  for (let i = Math.max(0, query.afterSeq); i < ledger.length && items.length < query.limit; i++) {
    const entry = ledger[i] as LedgerEntry;
    if (keep(entry)) items.push(entry);
  }
  return items;
}

/**
 * AuctionStore in this process's memory: the embedded default. Data lives as long as the
 * process, but for ended auctions, which are forgotten after `retainClosedMs`.
 */
export class MemoryAuctionStore implements AuctionStore, PartitionFencing {
  readonly #auctions = new Map<string, AuctionRecord>();
  readonly #outcomes = new Map<string, StoredOutcome>();
  readonly #tokens = new Map<number, number>();
  /** Oldest first (listing walks it backwards); kept sorted on insert so that a page is a scan from the cursor. */
  #order: AuctionState[] = [];
  #partitions: number | undefined;
  readonly #retainMs: number;
  readonly #clock: Clock;
  /** Ended auctions and outcomes without an auction, oldest first, with when they ended or came. */
  readonly #ended: Array<{ at: number; auctionId: string | null; bidId: string | null }> = [];
  #endedHead = 0;
  #sweptAt = 0;

  constructor(options: MemoryAuctionStoreOptions = {}) {
    const retainMs = options.retainClosedMs ?? DEFAULT_RETAIN_CLOSED_MS;
    if (!(retainMs >= 0))
      throw new OutcryError('INVALID_INPUT', 'retainClosedMs must be 0 or more (Infinity keeps all).');
    this.#retainMs = retainMs;
    this.#clock = options.clock ?? systemClock;
  }

  /** How much this store holds: auctions (ended ones included until forgotten) and bid outcomes. */
  get size(): { readonly auctions: number; readonly outcomes: number } {
    return { auctions: this.#auctions.size, outcomes: this.#outcomes.size };
  }

  async checkPartitionCount(partitions: number): Promise<void> {
    this.#partitions ??= partitions;
    if (partitions !== this.#partitions) throw partitionCountMismatch(this.#partitions, partitions);
  }

  async claimPartition(partition: number, fencingToken: number): Promise<PartitionClaim> {
    if (!Number.isSafeInteger(fencingToken) || fencingToken < 1) {
      throw new OutcryError('INVALID_INPUT', `A fencing token is a safe integer of at least 1, not ${fencingToken}.`);
    }
    const highest = this.#tokens.get(partition) ?? 0;
    if (fencingToken <= highest) return { claimed: false, highestToken: highest };
    this.#tokens.set(partition, fencingToken);
    return { claimed: true, highestToken: fencingToken };
  }

  async getMany(ids: readonly string[]): Promise<(AuctionState | null)[]> {
    return ids.map((id) => this.#auctions.get(id)?.state ?? null);
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.#checkBatch(batch);
    this.#tokens.set(batch.partition, batch.fencingToken);
    const now = this.#clock.now();
    for (const state of batch.states) {
      const record = this.#auctions.get(state.spec.id);
      if (record === undefined) {
        this.#auctions.set(state.spec.id, { state, partition: batch.partition, ledger: [], bidIds: [] });
        this.#insertOrdered(state);
      } else {
        record.state = state;
      }
      if (state.status === 'closed' || state.status === 'cancelled') {
        this.#ended.push({ at: now, auctionId: state.spec.id, bidId: null });
      }
    }
    for (const entry of batch.entries) this.#auctions.get(entry.auctionId)?.ledger.push(entry);
    // The first outcome of a bidId is kept, in the store and within the batch.
    for (const outcome of batch.outcomes) {
      if (this.#outcomes.has(outcome.bidId)) continue;
      this.#outcomes.set(outcome.bidId, outcome);
      const record = this.#auctions.get(outcome.auctionId);
      if (record !== undefined) record.bidIds.push(outcome.bidId);
      else this.#ended.push({ at: now, auctionId: null, bidId: outcome.bidId });
    }
    if (now - this.#sweptAt >= SWEEP_EVERY_MS) this.#forgetEnded(now);
  }

  /** Drops what ended more than `retainClosedMs` ago: the auction, its ledger, its outcomes. */
  #forgetEnded(now: number): void {
    this.#sweptAt = now;
    const ended = this.#ended;
    let forgotten = false;
    while (this.#endedHead < ended.length) {
      const next = ended[this.#endedHead] as (typeof ended)[number];
      if (now - next.at < this.#retainMs) break;
      this.#endedHead++;
      if (next.bidId !== null) {
        if (!this.#auctions.has(this.#outcomes.get(next.bidId)?.auctionId ?? '')) this.#outcomes.delete(next.bidId);
        continue;
      }
      const record = this.#auctions.get(next.auctionId as string);
      if (record === undefined || (record.state.status !== 'closed' && record.state.status !== 'cancelled')) continue;
      for (const bidId of record.bidIds) this.#outcomes.delete(bidId);
      this.#auctions.delete(record.state.spec.id);
      forgotten = true;
    }
    if (this.#endedHead > 1_024 && this.#endedHead * 2 > ended.length) {
      ended.splice(0, this.#endedHead);
      this.#endedHead = 0;
    }
    if (forgotten) this.#order = this.#order.filter((state) => this.#auctions.has(state.spec.id));
  }

  /**
   * Everything is checked before anything is written, so a refused batch leaves no trace. A
   * commit is most of the in-memory house's work: each auction is looked up once per batch, and
   * each bid costs one look-up of its outcome.
   */
  #checkBatch(batch: CommitBatch): void {
    const highest = this.#tokens.get(batch.partition) ?? 0;
    if (batch.fencingToken < highest) {
      throw new OutcryError(
        'STALE_OWNER',
        `Commit for partition ${batch.partition} refused: token ${batch.fencingToken} is below ${highest}.`,
      );
    }
    const nextSeq = new Map<string, number>();
    const batchBidIds = new Set<string>();
    for (const entry of batch.entries) {
      const expected = nextSeq.get(entry.auctionId) ?? (this.#auctions.get(entry.auctionId)?.ledger.length ?? 0) + 1;
      if (entry.seq !== expected) {
        throw new OutcryError(
          'STALE_OWNER',
          `Ledger conflict on ${entry.auctionId}: seq ${entry.seq}, expected ${expected}.`,
        );
      }
      nextSeq.set(entry.auctionId, expected + 1);
      const command = entry.command;
      if (command.type !== 'bid' && command.type !== 'buy-now') continue;
      // An accepted outcome is committed with its ledger entry, so it marks the bidId as taken.
      if (this.#outcomes.get(command.bidId)?.outcome.status === 'accepted' || batchBidIds.has(command.bidId)) {
        throw new OutcryError('STALE_OWNER', `Bid ${command.bidId} is already in the ledger.`);
      }
      batchBidIds.add(command.bidId);
    }
  }

  /** How many listed auctions come after `key` in newest-first order (they sit at the front of #order). */
  #countOlder(key: { spec: { createdAt: number; id: string } }): number {
    const order = this.#order;
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareNewestFirst(order[mid] as AuctionState, key) > 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Oldest first, so that a new auction, almost always the newest, is an append, not a shift of all others. */
  #insertOrdered(state: AuctionState): void {
    const order = this.#order;
    const last = order[order.length - 1];
    if (last === undefined || compareNewestFirst(last, state) > 0) order.push(state);
    else order.splice(this.#countOlder(state), 0, state);
  }

  async list(query: ListAuctionsQuery): Promise<Page<AuctionState>> {
    const after = query.cursor === undefined ? null : decodeListCursor(query.cursor);
    const order = this.#order;
    const items: AuctionState[] = [];
    let i = after === null ? order.length - 1 : this.#countOlder({ spec: after }) - 1;
    let last: AuctionState | null = null;
    for (; i >= 0; i--) {
      const listed = order[i] as AuctionState;
      const current = this.#auctions.get(listed.spec.id)?.state ?? listed;
      if (query.status !== undefined && current.status !== query.status) continue;
      if (items.length === query.limit) break;
      items.push(current);
      last = current;
    }
    return { items, nextCursor: i >= 0 && last !== null ? encodeListCursor(last.spec) : null };
  }

  async getLedger(auctionId: string, query: HistoryQuery): Promise<LedgerEntry[]> {
    return sliceLedger(this.#auctions.get(auctionId)?.ledger ?? [], query, () => true);
  }

  async getBids(auctionId: string, query: HistoryQuery): Promise<LedgerEntry[]> {
    return sliceLedger(this.#auctions.get(auctionId)?.ledger ?? [], query, isBidEntry);
  }

  async getOutcomes(bidIds: readonly string[]): Promise<(StoredOutcome | null)[]> {
    return bidIds.map((id) => this.#outcomes.get(id) ?? null);
  }

  async listActive(partition: number): Promise<AuctionState[]> {
    const active: AuctionState[] = [];
    for (const record of this.#auctions.values()) {
      const status = record.state.status;
      if (record.partition === partition && (status === 'open' || status === 'scheduled')) active.push(record.state);
    }
    return active;
  }
}
