import type { Connection } from './connection.js';

/**
 * Ends dead connections: every `everyMs`, a connection that showed no life (no pong, no frame)
 * since the previous beat is terminated, and every other one is pinged. One timer for all.
 */
export class Heartbeat {
  readonly #timer: NodeJS.Timeout;

  constructor(everyMs: number, connections: () => Iterable<Connection>, onDead: (connection: Connection) => void) {
    this.#timer = setInterval(() => {
      for (const connection of connections()) {
        if (!connection.alive) {
          onDead(connection);
          connection.terminate();
          continue;
        }
        connection.alive = false;
        try {
          connection.ws.ping();
        } catch {
          // A socket closing right now: the close event cleans it up.
        }
      }
    }, everyMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
