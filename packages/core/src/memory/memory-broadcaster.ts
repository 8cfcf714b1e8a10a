import {
  type AnswerHandler,
  AnswerHandlers,
  type BroadcastHandler,
  type BroadcastMessage,
  type Broadcaster,
  type RoutedOutcome,
} from '../ports/broadcaster.js';

/** Fan-out inside this process. Delivery is synchronous, in publish order. */
export class MemoryBroadcaster implements Broadcaster {
  readonly #subscribers = new Set<{ partitions: ReadonlySet<number>; handler: BroadcastHandler }>();
  readonly #answers = new AnswerHandlers();

  async publish(message: BroadcastMessage): Promise<void> {
    for (const subscriber of this.#subscribers) {
      if (subscriber.partitions.has(message.partition)) subscriber.handler(message);
    }
  }

  async subscribe(partitions: readonly number[], handler: BroadcastHandler): Promise<() => Promise<void>> {
    const subscriber = { partitions: new Set(partitions), handler };
    this.#subscribers.add(subscriber);
    return async () => {
      this.#subscribers.delete(subscriber);
    };
  }

  async sendAnswers(origin: string, outcomes: readonly RoutedOutcome[]): Promise<void> {
    this.#answers.deliver(origin, outcomes);
  }

  async receiveAnswers(houseId: string, handler: AnswerHandler): Promise<() => Promise<void>> {
    this.#answers.add(houseId, handler);
    return async () => {
      this.#answers.remove(houseId, handler);
    };
  }
}
