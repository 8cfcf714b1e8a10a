import type {
  AnswerHandler,
  Broadcaster,
  BroadcastHandler,
  BroadcastMessage,
  RoutedOutcome,
} from '../ports/broadcaster.js';

/** Fan-out inside this process. Delivery is synchronous, in publish order. */
export class MemoryBroadcaster implements Broadcaster {
  readonly #subscribers = new Set<{ partitions: ReadonlySet<number>; handler: BroadcastHandler }>();
  readonly #answerHandlers = new Map<string, Set<AnswerHandler>>();

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
    const handlers = this.#answerHandlers.get(origin);
    if (handlers !== undefined) for (const handler of handlers) handler(outcomes);
  }

  async receiveAnswers(houseId: string, handler: AnswerHandler): Promise<() => Promise<void>> {
    let handlers = this.#answerHandlers.get(houseId);
    if (handlers === undefined) {
      handlers = new Set();
      this.#answerHandlers.set(houseId, handlers);
    }
    handlers.add(handler);
    return async () => {
      handlers.delete(handler);
      if (handlers.size === 0 && this.#answerHandlers.get(houseId) === handlers) this.#answerHandlers.delete(houseId);
    };
  }
}
