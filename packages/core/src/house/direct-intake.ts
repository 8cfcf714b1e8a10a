import type { QueueItem } from '../ports/bid-queue.js';
import type { DirectCommands } from '../ports/direct-commands.js';
import type { HouseItem, SequencedCommand } from './sequenced-command.js';
import type { Sequencer } from './sequencer.js';

export interface DirectIntakeOptions {
  readonly direct: DirectCommands;
  readonly sequencerOf: (partition: number) => Sequencer | undefined;
  /** Queues what reaches a partition whose sequencer has stopped (for its next owner). */
  readonly forward: (partition: number, items: readonly HouseItem[]) => Promise<void>;
  /** A failed start or stop of receiving: senders then queue their bids, nothing is lost. */
  readonly problem: (partition: number, error: unknown) => void;
}

/**
 * Receives the bids other houses hand straight to the partitions this house owns, from when a
 * partition's sequencer runs until it stops, and gives them to that sequencer as if taken in
 * here (their answers go back to the house that sent them). What arrives once the sequencer
 * has stopped is queued for the next owner, no longer fresh.
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
      .receive(partition, (items) => this.#take(partition, items))
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

  #take(partition: number, items: readonly QueueItem[]): void {
    if (items.length === 0) return;
    // A waiter riding on an item (sent from this process) stays with it: its answer needs no lookup.
    const entries: SequencedCommand[] = items.map((item) => ({ ...item, id: '' }));
    const sequencer = this.#options.sequencerOf(partition);
    if (sequencer?.offer(entries) === true) return;
    void this.#options.forward(
      partition,
      items.map(({ fresh: _fresh, ...item }) => item),
    );
  }
}
