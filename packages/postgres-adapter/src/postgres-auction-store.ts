import { isOutcryError, type LedgerEntry, OutcryError } from '@outcry/core';
import {
  type AuctionStore,
  type CommitBatch,
  commandJson,
  decodeListCursor,
  encodeListCursor,
  type HistoryQuery,
  type ListAuctionsQuery,
  outcomeJson,
  type Page,
  type PartitionClaim,
  type PartitionFencing,
  partitionCountMismatch,
  type StoredOutcome,
  stateJson,
} from '@outcry/core/adapter-kit';
import type { AuctionCommand, AuctionState } from '@outcry/core/engine';
import type { Pool } from 'pg';
import { arrayLiteral } from './array-literal.js';
import { fromBigintColumn } from './money-column.js';
import { batchRefusal, toOutcryError } from './postgres-errors.js';
import type { Statement, Statements } from './sql.js';

interface LedgerRow {
  auction_id: string;
  seq: number;
  kind: string;
  amount: string | null;
  price: string;
  leader_id: string | null;
  command: AuctionCommand;
}

interface OutcomeRow {
  bid_id: string;
  auction_id: string;
  bidder_id: string;
  fingerprint: string;
  outcome: StoredOutcome['outcome'];
}

function toLedgerEntry(row: LedgerRow): LedgerEntry {
  // Money comes back from the bigint columns, not from the JSON copy of the command.
  const command: AuctionCommand =
    row.command.type === 'bid'
      ? { ...row.command, amount: fromBigintColumn(row.amount, 'ledger.amount') }
      : row.command;
  return {
    auctionId: row.auction_id,
    seq: row.seq,
    command,
    price: fromBigintColumn(row.price, 'ledger.price'),
    leaderId: row.leader_id,
  };
}

/**
 * Seqs of one auction inside a batch must be consecutive; the database then checks that the
 * first follows the last committed one. A gap here can only come from a confused writer.
 */
function checkConsecutive(entries: readonly LedgerEntry[]): void {
  const last = new Map<string, number>();
  for (const entry of entries) {
    const previous = last.get(entry.auctionId);
    if (previous !== undefined && entry.seq !== previous + 1) {
      throw new OutcryError(
        'STALE_OWNER',
        `Ledger conflict on ${entry.auctionId}: seq ${entry.seq} follows ${previous}.`,
      );
    }
    last.set(entry.auctionId, entry.seq);
  }
}

/** The first outcome of each bidId in the batch: later ones never replace it (the table keeps the first too). */
function firstOutcomes(outcomes: readonly StoredOutcome[]): StoredOutcome[] {
  const seen = new Set<string>();
  const first: StoredOutcome[] = [];
  for (const outcome of outcomes) {
    if (seen.has(outcome.bidId)) continue;
    seen.add(outcome.bidId);
    first.push(outcome);
  }
  return first;
}

type Value = string | number | null;

/**
 * The rows of one or more batches as parameter columns: states (6 columns), ledger entries (10),
 * outcomes (5), and for `commit_batches` each row's batch number (from 1). Filled in one pass
 * over each row: a commit's parameters are a good part of the server's work.
 */
class CommitColumns {
  readonly states: Value[][] = columns(6);
  readonly entries: Value[][] = columns(10);
  readonly outcomes: Value[][] = columns(5);
  readonly tags = { states: [] as number[], entries: [] as number[], outcomes: [] as number[] };

  add(batch: CommitBatch, tag: number): void {
    for (const s of batch.states) {
      pushRow(this.states, [s.spec.id, s.status, s.spec.createdAt, s.endsAt, s.seq, stateJson(s)]);
      this.tags.states.push(tag);
    }
    for (const entry of batch.entries) {
      const command = entry.command;
      const bid = command.type === 'bid' || command.type === 'buy-now' ? command : null;
      pushRow(this.entries, [
        entry.auctionId,
        entry.seq,
        command.type,
        bid === null ? null : bid.bidId,
        bid === null ? null : bid.bidderId,
        command.type === 'bid' ? command.amount : null,
        entry.price,
        entry.leaderId,
        command.receivedAt,
        commandJson(command),
      ]);
      this.tags.entries.push(tag);
    }
    for (const o of firstOutcomes(batch.outcomes)) {
      pushRow(this.outcomes, [o.bidId, o.auctionId, o.bidderId, o.fingerprint, outcomeJson(o.outcome)]);
      this.tags.outcomes.push(tag);
    }
  }
}

function columns(count: number): Value[][] {
  return Array.from({ length: count }, () => []);
}

function pushRow(target: Value[][], row: readonly Value[]): void {
  row.forEach((value, c) => {
    (target[c] as Value[]).push(value);
  });
}

/**
 * A group's columns as parameters: the last column of each group holds JSON documents and goes
 * as one JSON array (nothing to escape; the statement unpacks it), the others as array literals.
 */
function groupParameters(columns: readonly (readonly Value[])[]): string[] {
  const last = columns.length - 1;
  return columns.map((column, c) => (c === last ? `[${column.join(',')}]` : arrayLiteral(column)));
}

/** Parameters of `commit_batch` for one batch. */
function commitParameters(batch: CommitBatch): unknown[] {
  const columns = new CommitColumns();
  columns.add(batch, 1);
  return [
    batch.partition,
    batch.fencingToken,
    ...groupParameters(columns.states),
    ...groupParameters(columns.entries),
    ...groupParameters(columns.outcomes),
  ];
}

/** Parameters of `commit_batches`: the batches' columns end to end, each row tagged with its batch (from 1). */
function commitManyParameters(batches: readonly CommitBatch[]): unknown[] {
  const columns = new CommitColumns();
  batches.forEach((batch, b) => {
    columns.add(batch, b + 1);
  });
  return [
    arrayLiteral(batches.map((b) => b.partition)),
    arrayLiteral(batches.map((b) => b.fencingToken)),
    arrayLiteral(columns.tags.states),
    ...groupParameters(columns.states),
    arrayLiteral(columns.tags.entries),
    ...groupParameters(columns.entries),
    arrayLiteral(columns.tags.outcomes),
    ...groupParameters(columns.outcomes),
  ];
}

interface WaitingCommit {
  readonly batch: CommitBatch;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** One batch to write for one or more waiting commits. */
interface MergedCommit {
  readonly batch: CommitBatch;
  readonly waiters: readonly WaitingCommit[];
}

/**
 * Commits of one partition waiting together (a sequencer sends its next batch before the last
 * returns) become one batch, in order: the later state of an auction replaces the earlier, entries
 * and outcomes follow on. So a transaction holds each partition once, which keeps it set-based.
 * Both are refused if the merged batch is; the sequencer then judges both again.
 */
function mergeByPartition(waiting: readonly WaitingCommit[]): MergedCommit[] {
  const byPartition = new Map<number, { batch: CommitBatch; waiters: WaitingCommit[] }>();
  const merged: Array<{ batch: CommitBatch; waiters: WaitingCommit[] }> = [];
  for (const w of waiting) {
    const earlier = byPartition.get(w.batch.partition);
    if (earlier === undefined || earlier.batch.fencingToken !== w.batch.fencingToken) {
      const group = { batch: w.batch, waiters: [w] };
      byPartition.set(w.batch.partition, group);
      merged.push(group);
      continue;
    }
    const states = new Map(earlier.batch.states.map((state) => [state.spec.id, state]));
    for (const state of w.batch.states) states.set(state.spec.id, state);
    earlier.batch = {
      partition: w.batch.partition,
      fencingToken: w.batch.fencingToken,
      states: [...states.values()],
      entries: [...earlier.batch.entries, ...w.batch.entries],
      outcomes: [...earlier.batch.outcomes, ...w.batch.outcomes],
      freshBidIds: new Set([...earlier.batch.freshBidIds, ...w.batch.freshBidIds]),
      broadcast: null,
    };
    earlier.waiters.push(w);
  }
  return merged;
}

/**
 * AuctionStore on PostgreSQL: states in `auctions` (jsonb plus indexed columns), every change
 * in the append-only `ledger`, first outcomes in `bid_outcomes`, and the highest fencing token
 * per partition in `partition_tokens`. A commit is one call of `commit_batch`: one statement,
 * so one transaction and one round trip per group commit. The commits of several partitions
 * that arrive together (the sequencers of one process, woken by one intake flush) go out as
 * one call of `commit_batches`: one transaction and one WAL flush for all of them, each batch
 * still accepted or refused on its own.
 */
/** A partition's commits go out one after another, in arrival order (see #scheduleSend). */
export class PostgresAuctionStore implements AuctionStore, PartitionFencing {
  readonly #pool: Pool;
  readonly #sql: Statements;
  readonly #maxCommitsInFlight: number;
  readonly #partitions: number | undefined;
  #waiting: WaitingCommit[] = [];
  #commitsInFlight = 0;
  #sendScheduled = false;
  /** Partitions with a commit in flight. */
  readonly #busy = new Set<number>();

  constructor(
    pool: Pool,
    statements: Statements,
    options: { readonly maxCommitsInFlight?: number; readonly partitions?: number } = {},
  ) {
    this.#pool = pool;
    this.#sql = statements;
    this.#maxCommitsInFlight = options.maxCommitsInFlight ?? 1;
    this.#partitions = options.partitions;
  }

  /**
   * The first house records its count; another count is refused, and so is a house whose count
   * differs from the adapters'.
   */
  async checkPartitionCount(partitions: number): Promise<void> {
    if (this.#partitions !== undefined && partitions !== this.#partitions) {
      throw new OutcryError(
        'INVALID_INPUT',
        `The house has ${partitions} partitions and the PostgreSQL adapters ${this.#partitions}: give both the same count (leave the house's partitions out: it takes the backend's).`,
        { details: { house: partitions, adapters: this.#partitions } },
      );
    }
    // Twice: a house recording at the same moment commits after this statement's snapshot.
    for (let attempt = 0; attempt < 2; attempt++) {
      const [row] = await this.#query<{ partitions: number | null }>(
        this.#sql.recordPartitionCount,
        [partitions],
        'record the partition count',
      );
      if (row?.partitions != null) {
        if (row.partitions !== partitions) throw partitionCountMismatch(row.partitions, partitions);
        return;
      }
    }
    throw new OutcryError('UNAVAILABLE', 'The partition count could not be recorded; try again.');
  }

  /** Raises the partition's row of `partition_tokens` to the token when above it, in one statement. */
  async claimPartition(partition: number, fencingToken: number): Promise<PartitionClaim> {
    if (!Number.isSafeInteger(partition) || partition < 0) {
      throw new OutcryError('INVALID_INPUT', `A partition is a safe integer of at least 0, not ${partition}.`);
    }
    if (!Number.isSafeInteger(fencingToken) || fencingToken < 1) {
      throw new OutcryError('INVALID_INPUT', `A fencing token is a safe integer of at least 1, not ${fencingToken}.`);
    }
    const [row] = await this.#query<{ claimed: boolean; highest: string }>(
      this.#sql.claimPartition,
      [partition, fencingToken],
      `Claiming partition ${partition}`,
    );
    return {
      claimed: row?.claimed === true,
      highestToken: fromBigintColumn(row?.highest ?? null, 'partition_tokens.token'),
    };
  }

  async #query<R extends object>(statement: Statement, values: unknown[], what: string): Promise<R[]> {
    try {
      const result = await this.#pool.query<R>({ name: statement.name, text: statement.text, values });
      return result.rows;
    } catch (error) {
      throw toOutcryError(error, what);
    }
  }

  async getMany(ids: readonly string[]): Promise<(AuctionState | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.#query<{ id: string; state: AuctionState }>(this.#sql.getStates, [ids], 'Reading auctions');
    const byId = new Map(rows.map((row) => [row.id, row.state]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async commit(batch: CommitBatch): Promise<void> {
    if (batch.states.length === 0 && batch.entries.length === 0 && batch.outcomes.length === 0) return;
    checkConsecutive(batch.entries);
    await new Promise<void>((resolve, reject) => {
      this.#waiting.push({ batch, resolve, reject });
      this.#scheduleSend();
    });
  }

  /**
   * After the microtasks now running (the other sequencers woken with this one commit too), the
   * waiting commits go out together in one transaction, while fewer than the most are in flight.
   * A partition's commit waits while another of the same partition is in flight, so each
   * partition's commits apply in the order sent; commits that arrive meanwhile wait and go out
   * together when one returns, so a busy store gets fewer, larger transactions.
   */
  #scheduleSend(): void {
    if (this.#sendScheduled || this.#waiting.length === 0 || this.#commitsInFlight >= this.#maxCommitsInFlight) return;
    this.#sendScheduled = true;
    process.nextTick(() => {
      this.#sendScheduled = false;
      if (this.#commitsInFlight >= this.#maxCommitsInFlight) return;
      const ready: WaitingCommit[] = [];
      const held: WaitingCommit[] = [];
      for (const waiting of this.#waiting) (this.#busy.has(waiting.batch.partition) ? held : ready).push(waiting);
      if (ready.length === 0) return;
      this.#waiting = held;
      const partitions = new Set(ready.map((w) => w.batch.partition));
      for (const partition of partitions) this.#busy.add(partition);
      this.#commitsInFlight++;
      void this.#sendCommits(ready).finally(() => {
        this.#commitsInFlight--;
        for (const partition of partitions) this.#busy.delete(partition);
        this.#scheduleSend();
      });
    });
  }

  async #sendCommits(waiting: readonly WaitingCommit[]): Promise<void> {
    const groups = mergeByPartition(waiting);
    const settle = (group: MergedCommit, error: unknown) => {
      for (const w of group.waiters) {
        if (error === null) w.resolve();
        else w.reject(error);
      }
    };
    const [only] = groups;
    if (groups.length === 1 && only !== undefined) {
      const { batch } = only;
      await this.#query(this.#sql.commitBatch, commitParameters(batch), `Commit for partition ${batch.partition}`).then(
        () => settle(only, null),
        (error: unknown) => settle(only, error),
      );
      return;
    }
    const batches = groups.map((group) => group.batch);
    let results: readonly string[];
    try {
      const rows = await this.#query<{ results: string[] }>(
        this.#sql.commitBatches,
        commitManyParameters(batches),
        `Commit for partitions ${batches.map((b) => b.partition).join(', ')}`,
      );
      results = rows[0]?.results ?? [];
    } catch (error) {
      if (!isOutcryError(error) || error.code !== 'STORE_REJECTED') {
        for (const group of groups) settle(group, error);
        return;
      }
      // What one batch holds must not sink the others' (a refused value fails the whole
      // statement): each goes again on its own, to be accepted or refused for itself.
      for (const group of groups) await this.#sendCommits(group.waiters);
      return;
    }
    groups.forEach((group, i) => {
      const result = results[i] ?? 'XX000 no result';
      if (result === 'OK') settle(group, null);
      else settle(group, toOutcryError(batchRefusal(result), `Commit for partition ${group.batch.partition}`));
    });
  }

  async list(query: ListAuctionsQuery): Promise<Page<AuctionState>> {
    const after = query.cursor === undefined ? null : decodeListCursor(query.cursor);
    const limit = query.limit + 1; // one more tells whether there is a next page
    const sql = this.#sql;
    let rows: { state: AuctionState }[];
    if (query.status === undefined) {
      rows =
        after === null
          ? await this.#query(sql.listFirst, [limit], 'Listing auctions')
          : await this.#query(sql.listAfter, [limit, after.createdAt, after.id], 'Listing auctions');
    } else {
      rows =
        after === null
          ? await this.#query(sql.listStatusFirst, [limit, query.status], 'Listing auctions')
          : await this.#query(
              sql.listStatusAfter,
              [limit, query.status, after.createdAt, after.id],
              'Listing auctions',
            );
    }
    const items = rows.slice(0, query.limit).map((row) => row.state);
    const last = items.at(-1);
    const nextCursor = rows.length > query.limit && last !== undefined ? encodeListCursor(last.spec) : null;
    return { items, nextCursor };
  }

  async getLedger(auctionId: string, query: HistoryQuery): Promise<LedgerEntry[]> {
    const rows = await this.#query<LedgerRow>(
      this.#sql.getLedger,
      [auctionId, query.afterSeq, query.limit],
      'Reading the ledger',
    );
    return rows.map(toLedgerEntry);
  }

  async getBids(auctionId: string, query: HistoryQuery): Promise<LedgerEntry[]> {
    const rows = await this.#query<LedgerRow>(
      this.#sql.getBids,
      [auctionId, query.afterSeq, query.limit],
      'Reading bids',
    );
    return rows.map(toLedgerEntry);
  }

  async getOutcomes(bidIds: readonly string[]): Promise<(StoredOutcome | null)[]> {
    if (bidIds.length === 0) return [];
    const rows = await this.#query<OutcomeRow>(this.#sql.getOutcomes, [bidIds], 'Reading outcomes');
    const byId = new Map<string, StoredOutcome>();
    for (const row of rows) {
      byId.set(row.bid_id, {
        bidId: row.bid_id,
        auctionId: row.auction_id,
        bidderId: row.bidder_id,
        fingerprint: row.fingerprint,
        outcome: row.outcome,
      });
    }
    return bidIds.map((id) => byId.get(id) ?? null);
  }

  async listActive(partition: number): Promise<AuctionState[]> {
    const rows = await this.#query<{ state: AuctionState }>(
      this.#sql.listActive,
      [partition],
      'Listing active auctions',
    );
    return rows.map((row) => row.state);
  }
}
