import type { AuctionStore, PartitionClaim } from './auction-store.js';
import type { BidQueue } from './bid-queue.js';
import type { Broadcaster } from './broadcaster.js';
import type { DirectCommands } from './direct-commands.js';
import type { Lock } from './lock.js';
import type { SnapshotCache } from './snapshot-cache.js';

/**
 * What a backend's ports do beyond their interfaces, as plain data: the house reads these
 * instead of looking at the ports. Declare only what holds; every `false` is always safe.
 */
export interface BackendCapabilities {
  /**
   * Commits of one partition sent one after another, without waiting for each to return, are
   * applied in the order sent (one connection, or one commit in flight): the house may then
   * send a batch before the previous one has returned (`maxCommitsInFlight` above 1).
   */
  readonly commitsInOrder: boolean;
  /**
   * The store's commit publishes the batch's message (`CommitBatch.broadcast`) to the other
   * processes in the same atomic step, through the backend's broadcaster: subscribers hear of a
   * batch if and only if it was committed. The house then calls `publish` only to deliver the
   * message in this process.
   */
  readonly commitPublishes: boolean;
  /**
   * The store's commit keeps the backend's cache current in the same step: the house never
   * writes the views its sequencers make to the cache.
   */
  readonly commitFillsCache: boolean;
  /**
   * The queue lives in this process and hands back each item with every property it was
   * enqueued with: the house then answers its callers through their entries, with no lookup.
   */
  readonly queueInProcess: boolean;
  /**
   * Every process reads this one cache: only the sequencer that made a change stores its view,
   * and broadcasts carry no views. A cache of one process (false) is also filled from broadcasts.
   */
  readonly cacheShared: boolean;
  /** The backend carries `fencing` (see `PartitionFencing`). */
  readonly fencing: boolean;
  /** The backend carries `solePublisher` (see `SolePublisher`). */
  readonly solePublisher: boolean;
  /**
   * The backend carries `directCommands` (see `DirectCommands`): bids for a partition another
   * process owns are handed to that process directly, and queued only when nobody received them
   * or they stayed unanswered.
   */
  readonly directCommands: boolean;
}

/**
 * Fencing by the store: carried by a backend declaring `capabilities.fencing`. Without it,
 * token order is left to the lock alone.
 */
export interface PartitionFencing {
  /**
   * Make `fencingToken` the partition's highest if it is above every token the store holds for
   * it (claimed or committed): from then on commits with a lower token are refused. A token at
   * or below the highest is not claimed, since another owner may hold it. A house claims each
   * partition lease before it reads or writes with it, so a token lets one owner alone commit
   * even when the lock hands a token out again (a lock that lost its data): the house then gives
   * that lease back and asks the lock for a token above `highestToken`.
   */
  claimPartition(partition: number, fencingToken: number): Promise<PartitionClaim>;
}

/**
 * A broadcaster that can stop listening to partitions this process alone publishes for, and
 * leave unsent the messages nobody outside this process would hear: carried by a backend
 * declaring `capabilities.solePublisher`.
 */
export interface SolePublisher {
  /**
   * `sole: true`: this process is now the only one publishing for the partition (its house
   * holds the lease and the store has fenced every older owner off), so all that other
   * processes' copies could bring is its own messages coming back: the broadcaster may stop
   * listening to the partition outside this process. `publish` still hands this process's
   * messages to its subscribers. `sole: false` listens again (before the lease is given up, or
   * once it is lost).
   */
  setSolePublisher(partition: number, sole: boolean): Promise<void>;
  /**
   * `publishing: true`: this process publishes for the partition beside other processes (a house
   * judging bids where they land commits to every partition), so the broadcaster keeps
   * listening, and may leave this process's messages unsent while nobody outside it listens to
   * the partition. `publish` still hands them to this process's subscribers. `false` sends every
   * message again.
   */
  setPublishing(partition: number, publishing: boolean): Promise<void>;
}

/**
 * Everything a house runs on: five ports, what they can do together (`capabilities`), the
 * extensions those capabilities name, and one `close()`. `createMemoryBackend()` makes one in
 * this process; adapters return one from their create function; `composeBackend` mixes them.
 */
export interface Backend {
  readonly store: AuctionStore;
  readonly queue: BidQueue;
  readonly lock: Lock;
  readonly broadcaster: Broadcaster;
  readonly cache: SnapshotCache;
  readonly capabilities: BackendCapabilities;
  /** Present when `capabilities.fencing`. */
  readonly fencing?: PartitionFencing | undefined;
  /** Present when `capabilities.solePublisher`. */
  readonly solePublisher?: SolePublisher | undefined;
  /** Present when `capabilities.directCommands`. */
  readonly directCommands?: DirectCommands | undefined;
  /**
   * The partition count the backend's data is laid out for, when it is fixed: a house on it
   * takes this count by default and is refused another.
   */
  readonly partitions?: number | undefined;
  /** Release what the backend opened itself. Stop the house first. Idempotent. */
  close(): Promise<void>;
}
