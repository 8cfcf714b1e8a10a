import type { BidQueue, QueuedCommand, QueueItem, ReadOptions } from '../ports/bid-queue.js';
import { type Clock, systemClock } from '../ports/clock.js';

interface Delivery {
  entry: QueuedCommand;
  consumer: string;
  deliveredAt: number;
}

interface PartitionQueue {
  waiting: QueuedCommand[];
  /** Index of the first waiting entry not yet delivered: shifting arrays per read would be O(n). */
  head: number;
  delivered: Map<string, Delivery>;
  readers: Array<() => void>;
}

/**
 * BidQueue in this process's memory. FIFO per partition, like a stream with one consumer group.
 * Nothing is serialised: an entry read is the enqueued item, with every property it carried, and its id.
 */
export class MemoryBidQueue implements BidQueue {
  readonly #partitions = new Map<number, PartitionQueue>();
  readonly #clock: Clock;
  #nextId = 0;

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  #partition(partition: number): PartitionQueue {
    let queue = this.#partitions.get(partition);
    if (queue === undefined) {
      queue = { waiting: [], head: 0, delivered: new Map(), readers: [] };
      this.#partitions.set(partition, queue);
    }
    return queue;
  }

  async enqueue(partition: number, items: readonly QueueItem[]): Promise<void> {
    const queue = this.#partition(partition);
    for (const item of items) {
      const id = String(++this.#nextId);
      queue.waiting.push({ ...item, id });
    }
    this.#wake(queue);
  }

  #wake(queue: PartitionQueue): void {
    const readers = queue.readers;
    if (readers.length === 0) return;
    queue.readers = [];
    for (const wake of readers) wake();
  }

  async read(partition: number, consumer: string, options: ReadOptions): Promise<QueuedCommand[]> {
    const queue = this.#partition(partition);
    if (queue.head === queue.waiting.length && options.blockMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.blockMs);
        timer.unref();
        queue.readers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const end = Math.min(queue.waiting.length, queue.head + options.max);
    const taken = queue.waiting.slice(queue.head, end);
    queue.head = end;
    if (queue.head > 4096 && queue.head * 2 > queue.waiting.length) {
      queue.waiting = queue.waiting.slice(queue.head);
      queue.head = 0;
    }
    const now = this.#clock.now();
    for (const entry of taken) queue.delivered.set(entry.id, { entry, consumer, deliveredAt: now });
    return taken;
  }

  async ack(partition: number, ids: readonly string[]): Promise<void> {
    const delivered = this.#partition(partition).delivered;
    for (const id of ids) delivered.delete(id);
  }

  async claimStale(partition: number, consumer: string, minIdleMs: number, max: number): Promise<QueuedCommand[]> {
    const now = this.#clock.now();
    const claimed: QueuedCommand[] = [];
    // Map iteration follows insertion order, which is delivery order: FIFO is kept.
    for (const delivery of this.#partition(partition).delivered.values()) {
      if (claimed.length >= max) break;
      if (now - delivery.deliveredAt < minIdleMs) continue;
      delivery.consumer = consumer;
      delivery.deliveredAt = now;
      // Delivered before: the consumer that died may have committed it.
      if (delivery.entry.fresh === true) {
        const { fresh: _fresh, ...entry } = delivery.entry;
        delivery.entry = entry;
      }
      claimed.push(delivery.entry);
    }
    return claimed;
  }

  async depth(partition: number): Promise<number> {
    const queue = this.#partition(partition);
    return queue.waiting.length - queue.head + queue.delivered.size;
  }

  interrupt(): void {
    for (const queue of this.#partitions.values()) this.#wake(queue);
  }

  /** Reads end when `read` returns: nothing of a consumer is left running. */
  async release(): Promise<void> {}
}
