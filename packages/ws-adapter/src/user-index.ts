import type { Connection } from './connection.js';

/** Called when the first user connects, and when the last one leaves. */
export interface UserIndexHooks {
  readonly occupied?: () => void;
  readonly vacated?: () => void;
}

/** Open connections by authenticated user, to reach every tab and device of a bidder. */
export class UserIndex {
  readonly #byUser = new Map<string, Set<Connection>>();
  readonly #hooks: UserIndexHooks;

  constructor(hooks: UserIndexHooks = {}) {
    this.#hooks = hooks;
  }

  get size(): number {
    return this.#byUser.size;
  }

  /** Connections of a user (possibly none). */
  connectionsOf(userId: string): ReadonlySet<Connection> | undefined {
    return this.#byUser.get(userId);
  }

  add(userId: string, connection: Connection): void {
    let connections = this.#byUser.get(userId);
    if (connections === undefined) {
      connections = new Set();
      this.#byUser.set(userId, connections);
      if (this.#byUser.size === 1) this.#hooks.occupied?.();
    }
    connections.add(connection);
  }

  remove(userId: string, connection: Connection): void {
    const connections = this.#byUser.get(userId);
    if (connections === undefined) return;
    connections.delete(connection);
    if (connections.size > 0) return;
    this.#byUser.delete(userId);
    if (this.#byUser.size === 0) this.#hooks.vacated?.();
  }

  /** Count of connections with a user. */
  get connections(): number {
    let total = 0;
    for (const connections of this.#byUser.values()) total += connections.size;
    return total;
  }
}
