import { type QueueItem, queueItemJson, queueItemOf } from './bid-queue.js';
import { parsedOrNull } from './broadcaster.js';

/** Receives the commands handed to a partition's owner. */
export type DirectCommandHandler = (items: readonly QueueItem[]) => void;

/**
 * Commands handed straight to the process whose house owns their partition, beside the queue:
 * carried by a backend declaring `capabilities.directCommands`. A house that owns a partition
 * receives on it; a house with bids for a partition it does not own sends them, and queues them
 * instead when nobody received them. Delivery is at most once and only as far as the receiving
 * process: the sender keeps what it sent until answered, and queues what stays unanswered.
 */
export interface DirectCommands {
  /**
   * Hands the items to whoever receives on the partition: true when a receiver (of some
   * process) got them, false when none listens there. Items of one call arrive together, in
   * order, after those of earlier calls of this instance.
   */
  send(partition: number, items: readonly QueueItem[]): Promise<boolean>;
  /**
   * Receive the items sent to the partition; resolves once a send would reach `handler`. The
   * returned function stops it, and resolves once nothing sent afterwards reaches `handler`:
   * items already on their way when it was called may still.
   */
  receive(partition: number, handler: DirectCommandHandler): Promise<() => Promise<void>>;
  close?(): Promise<void>;
}

/** The JSON text of items to send: an array of queue items, `fresh` kept. */
export function directCommandsJson(items: readonly QueueItem[]): string {
  return `[${items.map((item) => queueItemJson(item, item.fresh === true)).join(',')}]`;
}

/** The items in a sent JSON text; null for anything else (another program's message, a cut payload). */
export function parseDirectCommands(text: string): QueueItem[] | null {
  const value = parsedOrNull(text);
  if (!Array.isArray(value) || !value.every((item) => queueItemOf(item) !== null)) return null;
  return value as QueueItem[];
}
