import type { AuctionCommand } from '../engine/types.js';
import { commandJson, stringJson } from '../json/json-text.js';

/** A command on its way to the sequencer of its partition. */
export interface QueueItem {
  readonly command: AuctionCommand;
  /** The house that took the command in, and waits for its outcome. */
  readonly origin: string;
  /** What the origin waits on: the bidId of a bid, a fresh id for other commands. */
  readonly commandId: string;
  /**
   * The origin minted this bid's id itself: no earlier outcome can exist, so the sequencer looks
   * nothing up for it (and the store's commit need not check it). A queue may keep it, and
   * must then hand it back on the entry's first delivery only: an entry delivered before may
   * have been committed by a consumer that died before acknowledging it. A queue that drops
   * it costs a lookup per bid.
   */
  readonly fresh?: boolean | undefined;
}

/** A queued command with the id the queue gave it. */
export interface QueuedCommand extends QueueItem {
  readonly id: string;
}

/** An item's JSON text as carriers of items write it, with `"fresh":true` when `fresh`. */
export function queueItemJson(item: QueueItem, fresh: boolean): string {
  return `{"command":${commandJson(item.command)},"origin":${stringJson(item.origin)},"commandId":${stringJson(item.commandId)}${fresh ? ',"fresh":true' : ''}}`;
}

/** The item a parsed JSON value holds; null when it is not one (written by another program). */
export function queueItemOf(value: unknown): QueueItem | null {
  if (typeof value !== 'object' || value === null) return null;
  const { command, origin, commandId, fresh } = value as Record<string, unknown>;
  const wellFormed =
    typeof command === 'object' &&
    command !== null &&
    typeof (command as { type?: unknown }).type === 'string' &&
    typeof origin === 'string' &&
    typeof commandId === 'string' &&
    (fresh === undefined || fresh === true);
  return wellFormed ? (value as QueueItem) : null;
}

export interface ReadOptions {
  /** At most this many entries. */
  readonly max: number;
  /** Wait up to this long for the first entry; 0 answers at once. */
  readonly blockMs: number;
}

/**
 * FIFO per partition, with delivery to one consumer and acknowledgement after the commit.
 * A queue of a backend declaring `capabilities.queueInProcess` hands back, on read, each item
 * with every property it was enqueued with (nothing serialised); any other queue keeps only
 * the fields of `QueueItem`.
 */
export interface BidQueue {
  /** Append commands to a partition's queue, in order. Resolves once they are durable. */
  enqueue(partition: number, items: readonly QueueItem[]): Promise<void>;
  /** Entries never delivered before, in FIFO order, now delivered to `consumer`. */
  read(partition: number, consumer: string, options: ReadOptions): Promise<QueuedCommand[]>;
  /** Forget delivered entries: their outcomes are committed. */
  ack(partition: number, ids: readonly string[]): Promise<void>;
  /**
   * Take over entries delivered but not acknowledged for at least `minIdleMs` (their consumer
   * died), in FIFO order, now delivered to `consumer`.
   */
  claimStale(partition: number, consumer: string, minIdleMs: number, max: number): Promise<QueuedCommand[]>;
  /** Entries not yet acknowledged (waiting or delivered). */
  depth(partition: number): Promise<number>;
  /** Wake every blocked `read` of this queue object at once, so that a stopping consumer can leave. */
  interrupt(): void;
  /**
   * `consumer` stops reading the partition (its sequencer stops, before the lease is given
   * up): a read of it still running in the queue's server is cut off, so that nothing more is
   * delivered to it. What it was given stays pending under its name for the next owner's
   * `claimStale`. A queue whose reads end when `read` returns has nothing to do here.
   */
  release(partition: number, consumer: string): Promise<void>;
  close?(): Promise<void>;
}
