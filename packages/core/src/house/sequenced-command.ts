import type { QueueItem } from '../ports/bid-queue.js';

/**
 * A command on its way to a sequencer, with what the house that took it in attached for
 * itself. `local` travels only in this process: on the in-memory path, and through a queue of
 * a backend declaring `capabilities.queueInProcess`; any other queue drops it.
 */
export interface HouseItem extends QueueItem {
  /** The waiter of the caller, riding on the item (see PendingAnswers). */
  local?: unknown;
}

/** A HouseItem with the id its queue gave it; '' for a command no queue has seen. */
export interface SequencedCommand extends HouseItem {
  readonly id: string;
}

/**
 * The item without `fresh`: it may have been committed already (sent before, claimed from
 * another consumer), so its sequencer looks its outcome up before judging it.
 */
export function notFresh<T extends QueueItem>({ fresh: _fresh, ...item }: T): Omit<T, 'fresh'> {
  return item;
}

/** The auction a command is for (a create names it in its spec). */
export const auctionIdOf = ({ command }: QueueItem): string =>
  command.type === 'create' ? command.spec.id : command.auctionId;
