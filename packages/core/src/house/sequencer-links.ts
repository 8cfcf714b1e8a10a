import type { CommandOutcome } from '../engine/types.js';
import type { AuctionStore } from '../ports/auction-store.js';
import type { BackendCapabilities, PartitionFencing } from '../ports/backend.js';
import type { BidQueue } from '../ports/bid-queue.js';
import type { Broadcaster, RoutedOutcome } from '../ports/broadcaster.js';
import type { Clock } from '../ports/clock.js';
import type { SnapshotCache } from '../ports/snapshot-cache.js';
import type { HouseDependency, HouseOperation } from './house-types.js';
import type { HouseItem, SequencedCommand } from './sequenced-command.js';
import type { SequencerStats } from './sequencer-stats.js';

/** A judged command and the outcome its caller gets. */
export interface Answer {
  readonly entry: SequencedCommand;
  readonly outcome: CommandOutcome;
}

/** Outcomes for the callers of other houses, by the id of the house that waits for them. */
export type RoutedAnswers = ReadonlyMap<string, readonly RoutedOutcome[]>;

/** The ports and facts every sequencer of a house works with. */
export interface SequencerEnvironment {
  readonly houseId: string;
  readonly store: AuctionStore;
  readonly queue: BidQueue;
  readonly broadcaster: Broadcaster;
  readonly cache: SnapshotCache;
  readonly capabilities: BackendCapabilities;
  /** The store's partition tokens, on a backend declaring `capabilities.fencing`. */
  readonly fencing?: PartitionFencing | undefined;
  readonly clock: Clock;
  readonly stats: SequencerStats;
}

/** Where answers go: the callers of this process, other houses' callers, or the queue again. */
export interface AnswerRouter {
  /**
   * Answer the callers waiting in this process; returns the outcomes for other houses'
   * callers, by house, to be sent to each (null when there are none).
   */
  answer(answers: readonly Answer[]): RoutedAnswers | null;
  /** Commands a sequencer handed in memory can no longer judge: through the queue to the next owner. */
  forward(partition: number, items: readonly HouseItem[]): void;
}

/** The scheduler of openings and closings. */
export interface DeadlineArming {
  /** Look again at this auction at `at` (to open or close it). */
  arm(auctionId: string, at: number): void;
}

/** What a sequencer tells the owner of its partition. */
export interface PartitionSignals {
  /** The partition was lost (a newer owner fenced this one off, or its work failed for good). */
  lost(partition: number, error: unknown): void;
  /** The store took this sequencer's first commit: every older owner of the partition is fenced off. */
  fenced(partition: number): void;
}

/** How a house follows the calls that fail underneath. */
export interface DependencyReports {
  /** A call failed and will be tried again. */
  failed(operation: HouseOperation, partition: number | null, error: unknown): void;
  /** Calls of the dependency answer again after failures. */
  recovered(dependency: HouseDependency, partition: number | null): void;
  /** A failure only counted otherwise (a lost publish, a cache write). */
  problem(operation: 'publish' | 'cache', partition: number | null, error: unknown): void;
  /** The store refused this command on its own: it was rejected with STORE_REJECTED. */
  refused(partition: number, entry: SequencedCommand, error: unknown): void;
}

/** Everything a sequencer reports to, one interface per collaborator of the house. */
export interface SequencerLinks {
  readonly answers: AnswerRouter;
  readonly deadlines: DeadlineArming;
  readonly owner: PartitionSignals;
  readonly health: DependencyReports;
}
