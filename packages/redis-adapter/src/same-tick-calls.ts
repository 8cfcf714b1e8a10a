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

/** How the calls of one turn go to Redis: together, or one by one. */
export interface TurnSends<T, R> {
  /** One command for several items: one result each, in their order. */
  together(items: readonly T[]): Promise<readonly R[]>;
  /** One item on its own: a turn with a single call. */
  alone(item: T): Promise<R>;
  /** Each item after a command for several failed as a whole (`alone` unless said). */
  again?(item: T): Promise<R>;
}

/**
 * Settles the calls of one turn with one command, or with one per call when there is one call
 * or when the command for all of them failed as a whole: each then hears its own answer or error.
 */
export function sendTogether<T, R>(calls: ReadonlyArray<WaitingCall<T, R>>, sends: TurnSends<T, R>): void {
  const one = (call: WaitingCall<T, R>, send: (item: T) => Promise<R>) => {
    send(call.item).then(call.resolve, call.reject);
  };
  const [first] = calls;
  if (first === undefined) return;
  if (calls.length === 1) {
    one(first, sends.alone);
    return;
  }
  sends.together(calls.map((call) => call.item)).then(
    (results) => {
      calls.forEach((call, i) => {
        call.resolve(results[i] as R);
      });
    },
    () => {
      for (const call of calls) one(call, sends.again ?? sends.alone);
    },
  );
}
