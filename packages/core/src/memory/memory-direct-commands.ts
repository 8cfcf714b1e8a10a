import type { QueueItem } from '../ports/bid-queue.js';
import type { DirectCommandHandler, DirectCommands } from '../ports/direct-commands.js';

/** Commands handed between the houses of this process: delivered at once, to the partition's last receiver. */
export class MemoryDirectCommands implements DirectCommands {
  readonly #receivers = new Map<number, DirectCommandHandler[]>();

  async send(partition: number, items: readonly QueueItem[]): Promise<boolean> {
    const handlers = this.#receivers.get(partition);
    const handler = handlers?.[handlers.length - 1];
    if (handler === undefined) return false;
    handler(items);
    return true;
  }

  async receive(partition: number, handler: DirectCommandHandler): Promise<() => Promise<void>> {
    const handlers = this.#receivers.get(partition) ?? [];
    handlers.push(handler);
    this.#receivers.set(partition, handlers);
    return async () => {
      const left = (this.#receivers.get(partition) ?? []).filter((h) => h !== handler);
      if (left.length === 0) this.#receivers.delete(partition);
      else this.#receivers.set(partition, left);
    };
  }
}
