import { connectionErrorLog, type HouseLogger, silentLogger } from '@outcry/core';
import pg from 'pg';
import { quoteIdentifier } from './schema-name.js';

/** Receives the payloads of one channel, in the order PostgreSQL delivers them. */
export type NotificationHandler = (payload: string) => void;

export interface NotificationListenerOptions {
  /** Connection settings of the dedicated client (the pool's, or the connection string). */
  readonly connection: pg.ClientConfig;
  /** First reconnect delay (100 ms); doubles per failed attempt. */
  readonly minReconnectMs?: number;
  /** Cap of the reconnect delay (5,000 ms). */
  readonly maxReconnectMs?: number;
  /** Called after a reconnect: notifications sent while down are lost, so listeners re-check. */
  readonly onReconnect?: () => void;
  /** Where the listening connection's errors are written (silent by default). */
  readonly logger?: HouseLogger;
}

/**
 * One dedicated connection that LISTENs on every channel the adapters need, so a process holds
 * one listening client however many partitions it reads. When the connection drops it
 * reconnects with capped exponential backoff and LISTENs again. NOTIFY only wakes readers up or
 * carries broadcasts; nothing durable depends on it.
 */
export class NotificationListener {
  readonly #options: NotificationListenerOptions;
  readonly #handlers = new Map<string, Set<NotificationHandler>>();
  readonly #reconnectListeners = new Set<() => void>();
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;
  #closed = false;
  #attempt = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #reconnects = 0;

  readonly #logError: (error: unknown) => void;

  constructor(options: NotificationListenerOptions) {
    this.#options = options;
    this.#logError = connectionErrorLog(options.logger ?? silentLogger, 'PostgreSQL listener');
    if (options.onReconnect) this.#reconnectListeners.add(options.onReconnect);
  }

  /** How many times the connection was re-established. */
  get reconnects(): number {
    return this.#reconnects;
  }

  /** True while the listening connection is up. */
  get connected(): boolean {
    return this.#client !== null;
  }

  /** Runs `listener` after every reconnect. Returns the removal. */
  onReconnect(listener: () => void): () => void {
    this.#reconnectListeners.add(listener);
    return () => this.#reconnectListeners.delete(listener);
  }

  /** Start receiving `channel`; resolves once the LISTEN is in place. Returns the removal. */
  async listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>> {
    if (this.#closed) throw new Error('The notification listener is closed.');
    let handlers = this.#handlers.get(channel);
    const first = handlers === undefined;
    if (handlers === undefined) {
      handlers = new Set();
      this.#handlers.set(channel, handlers);
    }
    handlers.add(handler);
    try {
      const client = await this.#connect();
      if (first) await client.query(`listen ${quoteIdentifier(channel)}`);
    } catch (error) {
      handlers.delete(handler);
      if (handlers.size === 0) this.#handlers.delete(channel);
      throw error;
    }
    return async () => {
      const set = this.#handlers.get(channel);
      if (set === undefined || !set.delete(handler) || set.size > 0) return;
      this.#handlers.delete(channel);
      await this.#client?.query(`unlisten ${quoteIdentifier(channel)}`).catch(() => undefined);
    };
  }

  #connect(): Promise<pg.Client> {
    if (this.#client !== null) return Promise.resolve(this.#client);
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #open(): Promise<pg.Client> {
    const client = new pg.Client(this.#options.connection);
    client.on('notification', (message) => {
      const handlers = this.#handlers.get(message.channel);
      if (handlers === undefined) return;
      for (const handler of handlers) handler(message.payload ?? '');
    });
    client.on('error', (error) => {
      this.#logError(error);
      this.#lost(client);
    });
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      for (const channel of this.#handlers.keys()) await client.query(`listen ${quoteIdentifier(channel)}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      throw new Error('The notification listener is closed.');
    }
    this.#client = client;
    this.#attempt = 0;
    return client;
  }

  /** The connection broke: reconnect after a capped, growing delay, then tell the listeners. */
  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = null;
    client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#retryTimer !== null) return;
    const min = this.#options.minReconnectMs ?? 100;
    const max = this.#options.maxReconnectMs ?? 5_000;
    const delay = Math.min(max, min * 2 ** this.#attempt);
    this.#attempt++;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#closed) return;
      this.#connect().then(
        () => {
          this.#reconnects++;
          for (const listener of this.#reconnectListeners) listener();
        },
        (error: unknown) => {
          this.#logError(error);
          this.#scheduleReconnect();
        },
      );
    }, delay);
    this.#retryTimer.unref();
  }

  /** Stop listening and close the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#handlers.clear();
    const client = this.#client ?? (await this.#connecting?.catch(() => null)) ?? null;
    this.#client = null;
    if (client !== null) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
