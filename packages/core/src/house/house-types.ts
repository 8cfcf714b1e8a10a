import type { AuctionCommand, Money } from '../engine/types.js';
import type { ErrorCode } from '../errors.js';
import type { CacheStats } from '../ports/snapshot-cache.js';

/** One row of the public bid history. */
export interface PublicBid {
  readonly seq: number;
  readonly bidId: string;
  readonly bidderId: string;
  /** The public price after this bid. */
  readonly price: Money;
  readonly leaderId: string | null;
  readonly at: number;
  readonly buyNow: boolean;
}

/** The figures of `/auctions/:id/stats`. */
export interface AuctionStats {
  readonly bidCount: number;
  readonly uniqueBidders: number;
  readonly startingPrice: Money;
  readonly price: Money;
  readonly priceIncrease: Money;
  /** Percent with two decimals; null when the starting price is 0. */
  readonly priceIncreasePct: number | null;
  readonly extensions: number;
  readonly timeLeftMs: number;
}

/** What `house.metrics()` reports for this process. */
export interface HouseMetrics {
  readonly houseId: string;
  readonly state: 'new' | 'running' | 'stopping' | 'stopped';
  readonly partitions: {
    readonly total: number;
    readonly owned: number[];
    /** Partitions whose broadcasts this house receives: where somebody in it listens. */
    readonly listened: number[];
  };
  readonly cache: CacheStats;
  readonly queue: {
    readonly intake: number;
    readonly waitingCallers: number;
    readonly intakeErrors: number;
    /** Commands judged by this house's own sequencers without a trip through the queue. */
    readonly inMemory: number;
    /** Commands sent through the queue (for other houses' partitions, closes, reroutes). */
    readonly queued: number;
    /** Bids handed to the sequencer of another house directly (see `capabilities.directCommands`). */
    readonly direct: number;
  };
  readonly sequencer: {
    readonly batches: number;
    readonly commands: number;
    readonly averageBatch: number;
    readonly maxBatch: number;
    readonly commitErrors: number;
    /** Commands the store refused on their own, rejected with STORE_REJECTED. */
    readonly refusedCommands: number;
    /**
     * Batches of bids judged here (`bidJudging: 'anywhere'`) that the store refused because
     * another house had committed to one of their auctions first; each was read and judged again.
     */
    readonly conflicts: number;
    readonly queueErrors: number;
    /**
     * Auctions held in this process's sequencers' memory: the live ones they judged (ended ones
     * leave); with bids judged anywhere, also those its landing judges hold (at most 10,000 a
     * partition: past that a judge lets all go and reads them again).
     */
    readonly auctionsInMemory: number;
  };
  /** Broadcasts received; publishes, answers sent and subscriptions that failed. */
  readonly broadcaster: { readonly received: number; readonly publishErrors: number };
  readonly scheduler: { readonly deadlines: number };
  /** Snapshot cache writes that failed (reads then fall back to the store). */
  readonly cacheErrors: number;
}

/** What a house depends on, as `health()` and its events name it. */
export type HouseDependency = 'store' | 'queue' | 'lock';

/** The calls whose failures the house follows, each of one dependency (see `dependencyOf`). */
export type HouseOperation =
  /** store: a group commit. */
  | 'commit'
  /** store: a read made while judging (auctions, earlier outcomes of bidIds). */
  | 'read'
  /** store: loading a partition's live auctions when taking it. */
  | 'start'
  /** lock: taking a partition's lease. */
  | 'acquire'
  /** lock: renewing a lease held. */
  | 'renew'
  /** queue: reading or claiming entries. */
  | 'queue-read'
  /** queue: acknowledging committed entries. */
  | 'ack'
  /** queue: taking commands in. */
  | 'enqueue';

/** An error as health reports it. */
export interface ReportedError {
  /** The OutcryError code, or UNAVAILABLE for any other error. */
  readonly code: ErrorCode;
  readonly message: string;
}

/** Calls of one operation (of one partition, or of the house) failing in a row. */
export interface Trouble {
  readonly dependency: HouseDependency;
  readonly operation: HouseOperation;
  /** The partition, or null for calls of the whole house. */
  readonly partition: number | null;
  /** When the first of these failures happened, and the last (the house's clock). */
  readonly since: number;
  readonly lastAt: number;
  readonly failures: number;
  readonly lastError: ReportedError;
}

/** What `house.health()` reports: whether the house can take and judge commands now. */
export interface HouseHealth {
  /**
   * True while the house runs and none of its dependencies has been failing for
   * `unavailableAfterMs` or longer.
   */
  readonly ready: boolean;
  readonly state: 'new' | 'running' | 'stopping' | 'stopped';
  /** Calls failing for `unavailableAfterMs` or longer: why the house is not ready. */
  readonly failing: readonly Trouble[];
  /** Every call failing now, however briefly (a moment's failure is retried and may pass). */
  readonly troubles: readonly Trouble[];
  readonly partitions: {
    readonly total: number;
    readonly owned: readonly number[];
    /** Partitions whose commands get UNAVAILABLE at once: their store or lock keeps failing. */
    readonly unavailable: readonly number[];
  };
  readonly commits: {
    /** Failed commits (and reads while judging) in a row of the partition failing longest. */
    readonly consecutiveFailures: number;
    /** The last commit failure, until a commit lands again. */
    readonly lastError: (ReportedError & { readonly at: number }) | null;
    /** Commands the store refused on their own since start, rejected with STORE_REJECTED. */
    readonly refusedCommands: number;
  };
}

/** What a house tells `onHealth` listeners: for logs and alerts. */
export type HealthEvent =
  /** A call failed and will be tried again; `failures` counts them in a row. */
  | ({ readonly type: 'failure'; readonly error: unknown } & Trouble)
  /** Calls that were failing answer again. */
  | {
      readonly type: 'recovered';
      readonly dependency: HouseDependency;
      readonly operation: HouseOperation;
      readonly partition: number | null;
      /** How long they failed (ms of the house's clock) and how many times. */
      readonly failedForMs: number;
      readonly failures: number;
    }
  /** Callers waiting on these partitions were answered UNAVAILABLE: their store or lock keeps failing. */
  | {
      readonly type: 'unavailable';
      readonly partitions: readonly number[];
      readonly callers: number;
      readonly trouble: Trouble;
    }
  /** The store refused this command on its own: it was rejected with STORE_REJECTED. */
  | {
      readonly type: 'refused';
      readonly partition: number;
      readonly command: AuctionCommand['type'];
      readonly auctionId: string;
      readonly error: unknown;
    };

/** A failure under the house, as `on('error')` listeners and the logger hear of it. */
export interface HouseError {
  /**
   * A retried call (see HouseOperation), publishing a batch's message or answers, subscribing
   * to a partition's broadcasts, writing the cache, or a command the store refused.
   */
  readonly operation: HouseOperation | 'publish' | 'subscribe' | 'cache' | 'refused';
  /** The partition, or null for calls of the whole house. */
  readonly partition: number | null;
  /** What the adapter threw. */
  readonly cause: unknown;
}
