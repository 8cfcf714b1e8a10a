import { type AuctionSpec, type LedgerEntry, OutcryError } from '@outcry/core';
import {
  type AuctionStore,
  type CommitBatch,
  decodeListCursor,
  encodeListCursor,
  type HistoryQuery,
  type ListAuctionsQuery,
  type Page,
  type PartitionClaim,
  type PartitionFencing,
  partitionOf,
  type StoredOutcome,
} from '@outcry/core/adapter-kit';
import type { AuctionState } from '@outcry/core/engine';
import { CpuQuota } from './cpu-quota.js';
import { idOfListMember, LISTED_STATUSES, listMember, type RedisKeys } from './keys.js';
import { runScript, runScriptNow } from './lua-scripts.js';
import type { OutcomePrefetch } from './outcome-prefetch.js';
import { RecordedPartitionCount } from './recorded-partition-count.js';
import type { RedisBroadcaster } from './redis-broadcaster.js';
import { isCluster, type RedisClient } from './redis-client.js';
import { toStoreError } from './redis-errors.js';
import { SameTickCalls, sendTogether, type WaitingCall } from './same-tick-calls.js';
import { SpecCache } from './spec-cache.js';
import {
  decodeLedgerEntry,
  decodeOutcome,
  encodeLedgerEntry,
  encodeLiveState,
  encodeOutcome,
  withSpec,
} from './stored-json.js';

/** What a RedisAuctionStore needs. */
export interface RedisAuctionStoreOptions {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
  /** The AuctionHouse's partition count: an auction's keys live under `partitionOf(id, partitions)`. */
  readonly partitions: number;
  /** Outcomes the queue of the same adapters looked up while reading: used before asking Redis. */
  readonly prefetch?: OutcomePrefetch;
  /** The broadcaster of the same adapters: a batch's `broadcast` is published by its commit script. */
  readonly broadcaster?: RedisBroadcaster;
  /**
   * Whether a commit waits for the others of its turn, to go in one script call with them (one
   * server only); asked at each commit. By default while a CPU quota holds this process to less
   * than one core (see `joinsUnderQuota`).
   */
  readonly joinCommits?: () => boolean;
}

/** One auction's part of a batch, as the commit script takes it. */
interface AuctionPart {
  readonly auctionId: string;
  state: AuctionState | undefined;
  readonly entries: LedgerEntry[];
}

/** One batch's commit script call. */
interface CommitCall {
  readonly keys: string[];
  readonly args: Array<string | number>;
}

/** MGET keys in chunks, so a huge batch does not become one huge command. */
const MGET_CHUNK = 500;

/** Specs of auctions read lately, kept in memory: about 1 KB each. */
const SPECS_KEPT = 50_000;
/** bidIds per find-outcomes call. */
const FIND_CHUNK = 1_000;

function isBidEntry(entry: LedgerEntry): boolean {
  return entry.command.type === 'bid' || entry.command.type === 'buy-now';
}

function bidIdOf(entry: LedgerEntry): string {
  const command = entry.command;
  return command.type === 'bid' || command.type === 'buy-now' ? command.bidId : '';
}

/**
 * True when a batch's entries for an auction cannot have moved it between listings: only bids,
 * and it is open after them. The engine takes a bid only on an open auction, so it was open
 * before too; the commit script then leaves its listing alone without reading its old status.
 * (The script's seq check has already confirmed the writer's view of the auction.)
 */
function onlyBidsOnOpen(state: AuctionState, entries: readonly LedgerEntry[]): boolean {
  if (state.status !== 'open' || entries.length === 0) return false;
  for (const entry of entries) if (entry.command.type !== 'bid') return false;
  return true;
}

function groupByPartition<T>(items: readonly T[], partitionOfItem: (item: T) => number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  items.forEach((item, index) => {
    const partition = partitionOfItem(item);
    const group = groups.get(partition);
    if (group === undefined) groups.set(partition, [index]);
    else group.push(index);
  });
  return groups;
}

/**
 * Commits join the others of their turn while this process is held to less than one core by a
 * CPU quota, and go out at once otherwise. A process free to use a core gains from overlap: a
 * commit sent at once is answered on its own, so each partition's callers come back at their own
 * pace and Node judges one partition's batch while Redis runs another's script; joined, every
 * partition's answers arrive together and Node and Redis take turns (one process, 4 partitions,
 * 10,000 auctions: 0.5-0.6x the bids a second). A process held by a quota cannot use the time
 * it waits (its quota, not the time, is what runs out), and gains from joining: its callers' bids
 * wait for it anyway, so its batches grow, and one call a turn costs less CPU a bid than one a
 * partition.
 */
function joinsUnderQuota(): () => boolean {
  const quota = new CpuQuota();
  return () => quota.belowOneCore();
}

/**
 * AuctionStore on Redis. Per partition (one hash tag, so one Cluster slot): each auction's
 * state (JSON string) and ledger (list), the outcomes by bidId (hash), the bidIds in the ledger
 * (set), the fencing token, and sorted sets for listing. `commit` is one Lua call per batch.
 */
/** Scripts of one partition go to one connection (one Cluster node) and run in the order sent. */
export class RedisAuctionStore implements AuctionStore, PartitionFencing {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #partitions: number;
  readonly #prefetch: OutcomePrefetch | undefined;
  readonly #broadcaster: RedisBroadcaster | undefined;
  /** Commits of one turn, sent as one script call (one server only: a script stays on one node). */
  readonly #commits: SameTickCalls<CommitCall, string[]> | null;
  readonly #joinCommits: () => boolean;
  /** Reads are refused under another count than the one the prefix's data is laid out for. */
  readonly #recordedCount: RecordedPartitionCount;
  /** Specs never change once written: a state whose spec is known is read without it. */
  readonly #specs = new SpecCache(SPECS_KEPT);

  constructor(options: RedisAuctionStoreOptions) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#partitions = options.partitions;
    this.#prefetch = options.prefetch;
    this.#broadcaster = options.broadcaster;
    this.#commits = isCluster(options.redis) ? null : new SameTickCalls((calls) => this.#commitTogether(calls));
    this.#joinCommits = options.joinCommits ?? joinsUnderQuota();
    this.#recordedCount = new RecordedPartitionCount(options.redis, options.keys, options.partitions);
  }

  /** The first house records its count; another count is refused (see RecordedPartitionCount). */
  checkPartitionCount(partitions: number): Promise<void> {
    return this.#recordedCount.record(partitions);
  }

  #home(auctionId: string): number {
    return partitionOf(auctionId, this.#partitions);
  }

  /** MGET the states of `ids`, each under the given partition; one command per partition, all at once. */
  async #readStates(ids: readonly string[], partitionOfId: (id: string) => number): Promise<(AuctionState | null)[]> {
    const result: (AuctionState | null)[] = new Array(ids.length).fill(null);
    const groups = groupByPartition(ids, partitionOfId);
    const reads: Promise<void>[] = [];
    const specs = this.#specs;
    for (const [partition, indexes] of groups) {
      for (let from = 0; from < indexes.length; from += MGET_CHUNK) {
        const chunk = indexes.slice(from, from + MGET_CHUNK);
        // The live part of each state, then its spec unless the spec is known already.
        const keys: string[] = [];
        const known: (AuctionSpec | undefined)[] = [];
        for (const i of chunk) {
          const id = ids[i] as string;
          const spec = specs.get(id);
          known.push(spec);
          keys.push(this.#keys.state(partition, id));
          if (spec === undefined) keys.push(this.#keys.spec(partition, id));
        }
        reads.push(
          this.#redis.mget(...keys).then((values) => {
            let at = 0;
            chunk.forEach((index, k) => {
              const live = values[at++] ?? null;
              let spec = known[k];
              if (spec === undefined) {
                const text = values[at++] ?? null;
                if (live === null || text === null) return;
                spec = JSON.parse(text) as AuctionSpec;
                specs.set(spec);
              }
              if (live !== null) result[index] = withSpec(live, spec);
            });
          }),
        );
      }
    }
    await Promise.all(reads);
    return result;
  }

  async getMany(ids: readonly string[]): Promise<(AuctionState | null)[]> {
    await this.#recordedCount.checked();
    if (ids.length === 0) return [];
    return this.#readStates(ids, (id) => this.#home(id));
  }

  #assertPartition(partition: number): void {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.#partitions) {
      throw new OutcryError(
        'INVALID_INPUT',
        `Partition ${partition} is outside 0..${this.#partitions - 1} of this store.`,
      );
    }
  }

  /** Raises the partition's `fence` to the token when above it, in one script (claim-partition.lua). */
  async claimPartition(partition: number, fencingToken: number): Promise<PartitionClaim> {
    this.#assertPartition(partition);
    if (!Number.isSafeInteger(fencingToken) || fencingToken < 1) {
      throw new OutcryError('INVALID_INPUT', `A fencing token is a safe integer of at least 1, not ${fencingToken}.`);
    }
    const [claimed, highest] = (await runScriptNow(
      this.#redis,
      'claim-partition',
      [this.#keys.fence(partition)],
      [fencingToken],
    )) as [number, number];
    return { claimed: Number(claimed) === 1, highestToken: Number(highest) };
  }

  /**
   * One commit script. Its failures say whether trying again can help (see the AuctionStore
   * port): STORE_REJECTED when Redis refused what the batch holds, UNAVAILABLE when it could
   * not run the script now.
   */
  async commit(batch: CommitBatch): Promise<void> {
    try {
      await this.#commit(batch);
    } catch (error) {
      throw toStoreError(error, `Commit for partition ${batch.partition}`);
    }
  }

  /** The commit script's keys and arguments for one batch (see commit.lua). */
  #commitCall(batch: CommitBatch): CommitCall {
    const { partition } = batch;
    this.#assertPartition(partition);
    const parts = this.#partsOf(batch);
    const keys = this.#keys;
    const scriptKeys = [keys.fence(partition), keys.outcomes(partition), keys.channel(partition)];
    const publication =
      batch.broadcast === null || this.#broadcaster === undefined
        ? null
        : this.#broadcaster.publicationOf(batch.broadcast);
    const fresh = batch.freshBidIds;
    const isMinted = (outcome: StoredOutcome) => fresh.has(outcome.bidId);
    let minted = 0;
    for (const outcome of batch.outcomes) if (isMinted(outcome)) minted++;
    const args: Array<string | number> = [
      batch.fencingToken,
      parts.length,
      batch.outcomes.length - minted,
      minted,
      batch.entries.length,
      publication === null ? '' : publication.command,
      publication === null ? '' : publication.payload,
    ];
    const entryBids: string[] = [];
    const specKeys: string[] = [];
    let anyListed = false;
    for (const part of parts) {
      const { auctionId, state, entries } = part;
      scriptKeys.push(keys.state(partition, auctionId), keys.ledger(partition, auctionId));
      const first = entries[0];
      const created = state !== undefined && entries.some((entry) => entry.command.type === 'create');
      if (created) specKeys.push(keys.spec(partition, auctionId));
      const listed = state !== undefined && !onlyBidsOnOpen(state, entries);
      anyListed ||= listed;
      args.push(
        state === undefined ? '' : encodeLiveState(state),
        listed ? state.status : '',
        listed ? listMember(state.spec.createdAt, state.spec.id) : '',
        first === undefined ? 0 : first.seq,
        entries.length,
        created ? JSON.stringify(state.spec) : '',
      );
    }
    for (const part of parts) {
      for (const entry of part.entries) {
        args.push(encodeLedgerEntry(entry));
        const bidId = bidIdOf(entry);
        // A minted bidId cannot conflict: the script need not look for it.
        entryBids.push(fresh?.has(bidId) === true ? '' : bidId);
      }
    }
    for (const key of specKeys) scriptKeys.push(key);
    if (anyListed) {
      scriptKeys.push(keys.statuses(partition), keys.listAll(partition));
      for (const status of LISTED_STATUSES) scriptKeys.push(keys.listByStatus(partition, status));
    }
    for (const bidId of entryBids) args.push(bidId);
    // Outcomes to look up first, then the minted ones (ARGV[3] and ARGV[4] count them).
    for (const outcome of batch.outcomes) if (!isMinted(outcome)) args.push(outcome.bidId, encodeOutcome(outcome));
    if (minted > 0)
      for (const outcome of batch.outcomes) if (isMinted(outcome)) args.push(outcome.bidId, encodeOutcome(outcome));
    return { keys: scriptKeys, args };
  }

  async #commit(batch: CommitBatch): Promise<void> {
    const call = this.#commitCall(batch);
    const commits = this.#commits;
    const result = await (commits !== null && this.#joinCommits() ? commits.add(call) : this.#commitAlone(call));
    const { partition } = batch;
    const [status, detail, seq] = result;
    if (status === 'OK' || status === 'REPLAY') {
      this.#prefetch?.forget(batch.outcomes.map((outcome) => outcome.bidId));
      return;
    }
    if (status === 'STALE_TOKEN') {
      throw new OutcryError(
        'STALE_OWNER',
        `Commit for partition ${partition} refused: token ${batch.fencingToken} is below ${detail}.`,
        { details: { partition, fencingToken: batch.fencingToken, highest: Number(detail) } },
      );
    }
    if (status === 'SEQ_CONFLICT') {
      throw new OutcryError('STALE_OWNER', `Ledger conflict in partition ${partition} on ${detail} at seq ${seq}.`, {
        details: { partition, ledger: detail, seq: Number(seq) },
      });
    }
    if (status === 'BID_CONFLICT') {
      throw new OutcryError('STALE_OWNER', `Bid ${detail} is already in the ledger.`, {
        details: { partition, bidId: detail },
      });
    }
    throw new OutcryError('UNAVAILABLE', `Unexpected answer of the commit script: ${String(status)}.`);
  }

  async #commitAlone({ keys, args }: CommitCall): Promise<string[]> {
    return (await runScriptNow(this.#redis, 'commit', keys, args)) as string[];
  }

  /**
   * Batches of several partitions in one script call, each committed or refused on its own. A
   * call that fails as a whole is sent again batch by batch, so that each hears its own error:
   * a batch the failed call wrote before failing finds itself in its ledgers (REPLAY).
   */
  #commitTogether(calls: ReadonlyArray<WaitingCall<CommitCall, string[]>>): void {
    sendTogether(calls, {
      alone: (call) => this.#commitAlone(call),
      together: async (items) => {
        const keys: string[] = [];
        const args: Array<string | number> = ['MANY', items.length];
        for (const item of items) args.push(item.keys.length, item.args.length);
        for (const item of items) {
          for (const key of item.keys) keys.push(key);
          for (const arg of item.args) args.push(arg);
        }
        return (await runScriptNow(this.#redis, 'commit', keys, args)) as string[][];
      },
    });
  }

  /** The batch by auction, in order of first appearance; entries of one auction must follow on without a gap. */
  #partsOf(batch: CommitBatch): AuctionPart[] {
    const parts = new Map<string, AuctionPart>();
    const part = (auctionId: string): AuctionPart => {
      let found = parts.get(auctionId);
      if (found === undefined) {
        found = { auctionId, state: undefined, entries: [] };
        parts.set(auctionId, found);
      }
      return found;
    };
    for (const state of batch.states) part(state.spec.id).state = state;
    for (const entry of batch.entries) {
      const entries = part(entry.auctionId).entries;
      const previous = entries[entries.length - 1];
      if (previous !== undefined && entry.seq !== previous.seq + 1) {
        throw new OutcryError(
          'STALE_OWNER',
          `Ledger conflict on ${entry.auctionId}: seq ${entry.seq} after ${previous.seq}.`,
        );
      }
      entries.push(entry);
    }
    return [...parts.values()];
  }

  async list(query: ListAuctionsQuery): Promise<Page<AuctionState>> {
    await this.#recordedCount.checked();
    const after = query.cursor === undefined ? null : decodeListCursor(query.cursor);
    const limit = Math.max(0, Math.floor(query.limit));
    const max = after === null ? '+' : `(${listMember(after.createdAt, after.id)}`;
    const keyOf = (partition: number) =>
      query.status === undefined ? this.#keys.listAll(partition) : this.#keys.listByStatus(partition, query.status);
    // Each partition gives its newest limit + 1 after the cursor; the merged newest limit + 1
    // are the page plus the proof that more follow.
    const perPartition = await Promise.all(
      Array.from({ length: this.#partitions }, (_, partition) =>
        this.#redis
          .zrange(keyOf(partition), max, '-', 'BYLEX', 'REV', 'LIMIT', 0, limit + 1)
          .then((members) => members.map((member) => ({ member, partition }))),
      ),
    );
    const merged = perPartition.flat().sort((a, b) => (a.member < b.member ? 1 : a.member > b.member ? -1 : 0));
    const page = merged.slice(0, limit);
    const ids = page.map(({ member }) => idOfListMember(member));
    const where = new Map(page.map(({ member, partition }) => [idOfListMember(member), partition]));
    const states = await this.#readStates(ids, (id) => where.get(id) ?? 0);
    const items = states.filter(
      (state): state is AuctionState => state !== null && (query.status === undefined || state.status === query.status),
    );
    const last = page[page.length - 1];
    const more = merged.length > limit && last !== undefined;
    return {
      items,
      nextCursor: more
        ? encodeListCursor({ createdAt: Number(last.member.slice(0, 15)), id: idOfListMember(last.member) })
        : null,
    };
  }

  /** Ledger entries [from, to] (list indexes) of an auction. */
  async #ledgerRange(auctionId: string, from: number, to: number): Promise<LedgerEntry[]> {
    const raw = await this.#redis.lrange(this.#keys.ledger(this.#home(auctionId), auctionId), from, to);
    return raw.map((json) => decodeLedgerEntry(auctionId, json));
  }

  async getLedger(auctionId: string, query: HistoryQuery): Promise<LedgerEntry[]> {
    await this.#recordedCount.checked();
    if (query.limit <= 0) return [];
    const from = Math.max(0, query.afterSeq);
    return this.#ledgerRange(auctionId, from, from + query.limit - 1);
  }

  async getBids(auctionId: string, query: HistoryQuery): Promise<LedgerEntry[]> {
    await this.#recordedCount.checked();
    if (query.limit <= 0) return [];
    const items: LedgerEntry[] = [];
    // Bids are most of a ledger: read a little more than asked, and again while short.
    const chunk = Math.max(64, query.limit + 16);
    let from = Math.max(0, query.afterSeq);
    for (let entries = await this.#ledgerRange(auctionId, from, from + chunk - 1); ; ) {
      for (const entry of entries) {
        if (isBidEntry(entry)) items.push(entry);
        if (items.length === query.limit) return items;
      }
      if (entries.length < chunk) return items;
      from += chunk;
      entries = await this.#ledgerRange(auctionId, from, from + chunk - 1);
    }
  }

  async getOutcomes(bidIds: readonly string[]): Promise<(StoredOutcome | null)[]> {
    if (bidIds.length === 0) return [];
    const prefetch = this.#prefetch;
    if (prefetch === undefined) return this.#fetchOutcomes(bidIds);
    const known = bidIds.map((bidId) => prefetch.get(bidId));
    const unknown = bidIds.filter((_, i) => known[i] === undefined);
    const fetched = unknown.length === 0 ? [] : await this.#fetchOutcomes(unknown);
    let next = 0;
    return known.map((json, i) => {
      if (json === undefined) return fetched[next++] ?? null;
      return json === null ? null : decodeOutcome(bidIds[i] as string, json);
    });
  }

  async #fetchOutcomes(bidIds: readonly string[]): Promise<(StoredOutcome | null)[]> {
    // Not before the prefetch: outcomes a queue read looked up are answered without Redis.
    await this.#recordedCount.checked();
    // A bidId says nothing of its auction: every partition's hash is asked. On one server that
    // is one script; on a Cluster, whose scripts stay within one slot, one HMGET per partition.
    if (!isCluster(this.#redis)) {
      const outcomeKeys = Array.from({ length: this.#partitions }, (_, partition) => this.#keys.outcomes(partition));
      const chunks: Promise<(string | null)[]>[] = [];
      // Lua's unpack has a bounded stack: at most FIND_CHUNK bidIds per call.
      for (let from = 0; from < bidIds.length; from += FIND_CHUNK) {
        const chunk = bidIds.slice(from, from + FIND_CHUNK);
        chunks.push(runScript(this.#redis, 'find-outcomes', outcomeKeys, chunk) as Promise<(string | null)[]>);
      }
      const found = (await Promise.all(chunks)).flat();
      return bidIds.map((bidId, i) => {
        const value = found[i];
        return value === null || value === undefined ? null : decodeOutcome(bidId, value);
      });
    }
    const perPartition = await Promise.all(
      Array.from({ length: this.#partitions }, (_, partition) =>
        this.#redis.hmget(this.#keys.outcomes(partition), ...bidIds),
      ),
    );
    return bidIds.map((bidId, i) => {
      for (const values of perPartition) {
        const value = values[i];
        if (value !== null && value !== undefined) return decodeOutcome(bidId, value);
      }
      return null;
    });
  }

  async listActive(partition: number): Promise<AuctionState[]> {
    await this.#recordedCount.checked();
    const [scheduled, open] = await Promise.all([
      this.#redis.zrange(this.#keys.listByStatus(partition, 'scheduled'), 0, -1),
      this.#redis.zrange(this.#keys.listByStatus(partition, 'open'), 0, -1),
    ]);
    const ids = [...scheduled, ...open].map(idOfListMember);
    const states = await this.#readStates(ids, () => partition);
    return states.filter(
      (state): state is AuctionState => state !== null && (state.status === 'open' || state.status === 'scheduled'),
    );
  }

  /** Nothing to release: the store runs on the client it was given. */
  async close(): Promise<void> {}
}
