import { MemoryBidQueue, type QueueItem } from '../../src/adapter-kit/index.js';

/** Items cross it as copies, as through a server: no caller's waiter rides along, answers go back by commandId. */
export class CopyingQueue extends MemoryBidQueue {
  override async enqueue(partition: number, items: readonly QueueItem[]): Promise<void> {
    await super.enqueue(
      partition,
      items.map(({ command, origin, commandId }) => ({ command, origin, commandId })),
    );
  }
}
