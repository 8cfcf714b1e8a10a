import type { QueueItem } from '../ports/bid-queue.js';

/**
 * A command on its way to a sequencer, with what the house that took it in attached for
 * itself. These extra fields travel only in this process: on the in-memory path, and through
 * a queue of a backend declaring `capabilities.queueInProcess`; any other queue drops them.
 */
export interface HouseItem extends QueueItem {
  /** The origin minted this bid's id itself: no earlier outcome can exist, so no lookup is made. */
  readonly fresh?: boolean | undefined;
  /** The waiter of the caller, riding on the item (see PendingAnswers). */
  local?: unknown;
}

/** A HouseItem with the id its queue gave it; '' for a command no queue has seen. */
export interface SequencedCommand extends HouseItem {
  readonly id: string;
}
