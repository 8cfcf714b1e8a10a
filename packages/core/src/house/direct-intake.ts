import type { QueueItem } from '../ports/bid-queue.js';
import type { DirectCommands } from '../ports/direct-commands.js';

export interface DirectIntakeOptions {
  readonly direct: DirectCommands;
  /**
   * Takes what arrived for the partition (CommandRouter.takeHandedOver): offered to its
   * sequencer with the turn's own commands, or queued for the next owner once it has stopped.
   */
  readonly take: (partition: number, items: readonly QueueItem[]) => void;
  /** A failed start or stop of receiving: senders then queue their bids, nothing is lost. */
  readonly problem: (partition: number, error: unknown) => void;
}

/**
 * Receives the bids other houses hand straight to the partitions this house owns, from when a
 * partition's sequencer runs until it stops, and passes them on to be judged as if taken in
 * here (their answers go back to the house that sent them).
 */
export class DirectIntake {
  readonly #options: DirectIntakeOptions;
  readonly #stops = new Map<number, Promise<(() => Promise<void>) | null>>();

  constructor(options: DirectIntakeOptions) {
    this.#options = options;
  }

  open(partition: number): void {
    if (this.#stops.has(partition)) return;
    const { direct, problem } = this.#options;
    const stop = direct
      .receive(partition, (items) => {
        if (items.length > 0) this.#options.take(partition, items);
      })
      .catch((error: unknown) => {
        problem(partition, error);
        return null;
      });
    this.#stops.set(partition, stop);
  }

  /** Stop receiving on the partition; resolves once nothing sent from now on reaches this house. */
  async close(partition: number): Promise<void> {
    const stop = this.#stops.get(partition);
    if (stop === undefined) return;
    this.#stops.delete(partition);
    await (await stop)?.().catch((error: unknown) => this.#options.problem(partition, error));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#stops.keys()].map((partition) => this.close(partition)));
  }
}
