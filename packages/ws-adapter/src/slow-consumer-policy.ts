import type { Connection } from './connection.js';
import type { GatewayCounters } from './gateway-metrics.js';
import type { Subscription } from './room.js';

/** Options of the slow-consumer policy. */
export interface SlowConsumerOptions {
  /** Above this many bytes in a socket's send buffer, events stop going to it. */
  readonly maxBufferedBytes: number;
  /** A connection behind for longer than this is closed with 1013. */
  readonly maxBehindMs: number;
  /** How often behind connections are looked at. */
  readonly checkEveryMs: number;
}

/**
 * What happens to a client that reads slower than events come: a backlog is never built for it.
 * Once its send buffer is over `maxBufferedBytes`, its subscriptions stop receiving events; once
 * the buffer has drained (to a quarter of the limit), each gets the latest snapshot instead of
 * the events it missed; a connection still behind after `maxBehindMs` is closed with 1013
 * ("try again later"). So a socket's buffer holds at most the limit plus one tick of events.
 */
export class SlowConsumerPolicy {
  readonly #options: SlowConsumerOptions;
  readonly #counters: GatewayCounters;
  readonly #behind = new Set<Connection>();
  #timer: NodeJS.Timeout | null = null;

  constructor(options: SlowConsumerOptions, counters: GatewayCounters) {
    this.#options = options;
    this.#counters = counters;
  }

  /** Connections behind now. */
  get behind(): number {
    return this.#behind.size;
  }

  isOverLimit(connection: Connection): boolean {
    return connection.bufferedAmount > this.#options.maxBufferedBytes;
  }

  /** Stop sending this subscription events until its connection drains. */
  markBehind(subscription: Subscription): void {
    const connection = subscription.connection;
    subscription.state = 'behind';
    connection.behind.add(subscription);
    if (connection.behindSince === null) {
      // Real time, not the house clock: this is about sockets, not auctions.
      connection.behindSince = Date.now();
      this.#behind.add(connection);
      this.#counters.slowMarked++;
    }
    this.#timer ??= setInterval(this.#check, this.#options.checkEveryMs).unref();
  }

  /** Forget a closed connection. */
  forget(connection: Connection): void {
    this.#behind.delete(connection);
    connection.behind.clear();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#behind.clear();
  }

  readonly #check = (): void => {
    try {
      const now = Date.now();
      const drained = this.#options.maxBufferedBytes / 4;
      for (const connection of this.#behind) {
        if (!connection.open) {
          this.forget(connection);
          continue;
        }
        if (connection.bufferedAmount <= drained) {
          const subscriptions = [...connection.behind];
          this.forget(connection);
          connection.behindSince = null;
          this.#counters.slowRecovered++;
          for (const subscription of subscriptions) subscription.room.requestSnapshot(subscription);
        } else if (now - (connection.behindSince ?? now) > this.#options.maxBehindMs) {
          this.forget(connection);
          this.#counters.slowClosed++;
          connection.close(1013, 'Too far behind: reconnect and subscribe again');
        }
      }
      if (this.#behind.size === 0 && this.#timer !== null) {
        clearInterval(this.#timer);
        this.#timer = null;
      }
    } catch {
      this.#counters.internalErrors++;
    }
  };
}
