import type { AuctionEvent, BidOutcome, CommandOutcome, PublicAuction } from '../engine/types.js';

/** The answer to a command taken in by another house, routed back to it. */
export interface RoutedOutcome {
  readonly origin: string;
  readonly commandId: string;
  readonly outcome: CommandOutcome | BidOutcome;
}

/** What a sequencer publishes after each group commit of a partition. */
export interface BroadcastMessage {
  readonly partition: number;
  /** The house whose sequencer published it (that house has already cached the snapshots). */
  readonly origin?: string | undefined;
  readonly events: readonly AuctionEvent[];
  /**
   * The latest public view of each auction that changed, for caches of other processes; empty
   * when the house's cache is shared (every process reads the view the sequencer stored).
   */
  readonly snapshots: readonly PublicAuction[];
  readonly outcomes: readonly RoutedOutcome[];
}

export type BroadcastHandler = (message: BroadcastMessage) => void;

/** Fan-out of committed changes to every process. */
export interface Broadcaster {
  /** Deliver to every subscriber of the partition, in every process. */
  publish(message: BroadcastMessage): Promise<void>;
  /** Receive messages of the given partitions; resolves once subscribed. Returns the unsubscribe. */
  subscribe(partitions: readonly number[], handler: BroadcastHandler): Promise<() => Promise<void>>;
  close?(): Promise<void>;
}
