/** One call waiting to be sent with the others of its turn. */
export interface WaitingCall<T, R> {
  readonly item: T;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Calls made in one turn of the event loop, sent together when it ends (process.nextTick, which
 * runs after the promise jobs of the turn): the sequencers of a house's partitions, woken by the
 * same reply or the same intake, then share one Redis command instead of one each. `send` settles
 * every call it is given.
 */
export class SameTickCalls<T, R> {
  readonly #send: (calls: ReadonlyArray<WaitingCall<T, R>>) => void;
  #waiting: Array<WaitingCall<T, R>> = [];

  constructor(send: (calls: ReadonlyArray<WaitingCall<T, R>>) => void) {
    this.#send = send;
  }

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      if (this.#waiting.length === 0) process.nextTick(this.#flush);
      this.#waiting.push({ item, resolve, reject });
    });
  }

  readonly #flush = (): void => {
    const calls = this.#waiting;
    this.#waiting = [];
    try {
      this.#send(calls);
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  };
}
