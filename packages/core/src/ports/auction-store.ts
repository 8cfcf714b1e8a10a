import type { AuctionCommand, AuctionState, AuctionStatus, BidOutcome } from '../engine/types.js';
import type { BroadcastMessage } from './broadcaster.js';

/** One change of one auction, as it stands in the append-only ledger. Replaying them rebuilds the state. */
export interface LedgerEntry {
  readonly auctionId: string;
  /** The auction's seq after this change: 1 for create, then +1 per change, no gaps. */
  readonly seq: number;
  /** The command that made the change, with the `receivedAt` it was judged at. */
  readonly command: AuctionCommand;
  /** The public price and leader after the change. */
  readonly price: number;
  readonly leaderId: string | null;
}

/** The first outcome of a bidId, kept so that a repeated bidId returns it. */
export interface StoredOutcome {
  readonly bidId: string;
  readonly auctionId: string;
  readonly bidderId: string;
  readonly fingerprint: string;
  readonly outcome: BidOutcome;
}

/** Everything one group commit of a sequencer writes, atomically. */
export interface CommitBatch {
  readonly partition: number;
  /** The fencing token of the writer's lease: a commit with a token below the highest seen is refused. */
  readonly fencingToken: number;
  /** The latest state of every auction that changed. */
  readonly states: readonly AuctionState[];
  /** New ledger entries, in seq order per auction. */
  readonly entries: readonly LedgerEntry[];
  /** Outcomes of every bid and buy-now judged, accepted or rejected. */
  readonly outcomes: readonly StoredOutcome[];
  /**
   * BidIds among `outcomes` that the house minted for their bids in this batch: no earlier
   * outcome and no ledger entry can hold them, so a store may write them without looking
   * (or ignore this set and look as for any other).
   */
  readonly freshBidIds: ReadonlySet<string>;
  /**
   * What the house publishes once this batch is committed, when the backend declares
   * `capabilities.commitPublishes`: its store publishes it to the other processes in the same
   * atomic step as the commit. Null otherwise, and a store that does not publish ignores it.
   */
  readonly broadcast: BroadcastMessage | null;
}

/** A store's answer to `PartitionFencing.claimPartition`. */
export interface PartitionClaim {
  /** The token is now the partition's highest: commits with a lower one are refused. */
  readonly claimed: boolean;
  /** The highest token the store holds for the partition now (the claimed one when claimed). */
  readonly highestToken: number;
}

export interface ListAuctionsQuery {
  readonly status?: AuctionStatus | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface Page<T> {
  readonly items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

export interface HistoryQuery {
  /** Only entries with a seq above this. */
  readonly afterSeq: number;
  readonly limit: number;
}

/** Auction state and the append-only ledger. */
export interface AuctionStore {
  /** Full states of the given auctions, in the same order, null where missing. One round trip. */
  getMany(ids: readonly string[]): Promise<(AuctionState | null)[]>;
  /**
   * Apply a batch atomically: all of it or none. Throws OutcryError `STALE_OWNER` when
   * `fencingToken` is below the highest token this store has seen for the partition.
   * A ledger entry whose (auctionId, seq) or bidId already exists is a conflict: the whole
   * batch is refused with `STALE_OWNER`, since only a stale writer can produce one.
   *
   * Every other failure says whether trying again can help, by its code, so that the house
   * never reads a driver's errors:
   * - OutcryError `STORE_REJECTED`: the store refused what the batch holds (text it cannot keep,
   *   a value out of its range, a script that fails on the data). The same batch sent again is
   *   refused again, and nothing of it was written. The house splits the batch until it finds
   *   the commands refused on their own, rejects those alone and commits the rest.
   * - anything else (OutcryError `UNAVAILABLE` by convention: a lost connection, a timeout, a
   *   server starting, stopping, out of resources or unable to serialise): the batch may commit
   *   later, and may even have been written; the house tries it again after a pause.
   * The reads the house makes while judging (`getMany`, `getOutcomes`) follow the same rule.
   */
  commit(batch: CommitBatch): Promise<void>;
  /** Auctions newest first (createdAt, then id, descending), with keyset cursors. */
  list(query: ListAuctionsQuery): Promise<Page<AuctionState>>;
  /** Ledger entries of one auction in seq order: every change (create, open, bids, close...). */
  getLedger(auctionId: string, query: HistoryQuery): Promise<LedgerEntry[]>;
  /** Ledger entries of bids and buy-nows only, in seq order. */
  getBids(auctionId: string, query: HistoryQuery): Promise<LedgerEntry[]>;
  /** The first outcomes of the given bidIds, same order, null where unknown. */
  getOutcomes(bidIds: readonly string[]): Promise<(StoredOutcome | null)[]>;
  /** States of a partition's auctions that are still scheduled or open: what a new owner must watch. */
  listActive(partition: number): Promise<AuctionState[]>;
  /**
   * Called by a house at start with its partition count. The store records the first count and
   * refuses any other with OutcryError `INVALID_INPUT` (`partitionCountMismatch`): an auction's
   * data lives under `partitionOf(id, partitions)`, so a house with another count would look
   * for it in the wrong partitions.
   */
  checkPartitionCount(partitions: number): Promise<void>;
  /** Release what the store opened itself. */
  close?(): Promise<void>;
}
