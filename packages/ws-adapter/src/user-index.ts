import type { Connection } from './connection.js';

/** Open connections by authenticated user, to reach every tab and device of a bidder. */
export class UserIndex {
  readonly #byUser = new Map<string, Set<Connection>>();

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
    }
    connections.add(connection);
  }

  remove(userId: string, connection: Connection): void {
    const connections = this.#byUser.get(userId);
    if (connections === undefined) return;
    connections.delete(connection);
    if (connections.size === 0) this.#byUser.delete(userId);
  }

  /** Count of connections with a user. */
  get connections(): number {
    let total = 0;
    for (const connections of this.#byUser.values()) total += connections.size;
    return total;
  }
}
