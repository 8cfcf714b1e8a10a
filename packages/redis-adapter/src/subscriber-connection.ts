import { connectionErrorLog, type HouseLogger } from '@outcry/core';
import { duplicateClient, isCluster, type RedisClient } from './redis-client.js';

/** What a SubscriberConnection needs. */
export interface SubscriberConnectionOptions {
  readonly redis: RedisClient;
  readonly logger: HouseLogger;
  /** Names the connection in the log. */
  readonly name: string;
  readonly deliver: (channel: string, payload: string) => void;
  /** Every channel listened to now: subscribed again on each (re)connection. */
  readonly channels: () => string[];
}

/**
 * The Pub/Sub connection of one adapter: made with duplicate() on first use, its errors logged
 * (without a listener a lost connection would crash the process), sharded channels
 * (SSUBSCRIBE) on a Cluster. On one server it subscribes every channel again each time it is
 * ready: ioredis subscribes again what the last ready connection had, and a subscription made
 * on a connection that dropped again before it was ready (a server still loading its data
 * answers SUBSCRIBE) would be lost. Subscribing a channel twice changes nothing.
 */
export class SubscriberConnection {
  readonly #options: SubscriberConnectionOptions;
  readonly #sharded: boolean;
  #client: RedisClient | null = null;
  #closed = false;

  constructor(options: SubscriberConnectionOptions) {
    this.#options = options;
    this.#sharded = isCluster(options.redis);
  }

  /** True once a subscription made the connection, until closed. */
  get made(): boolean {
    return this.#client !== null && !this.#closed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  async subscribe(channels: readonly string[]): Promise<void> {
    if (this.#closed || channels.length === 0) return;
    const client = this.#connection();
    // Sharded channels of different slots may live on different nodes: one command per channel.
    if (this.#sharded) await Promise.all(channels.map((channel) => client.ssubscribe(channel)));
    else await client.subscribe(...channels);
  }

  async unsubscribe(channels: readonly string[]): Promise<void> {
    const client = this.#client;
    if (channels.length === 0 || client === null || this.#closed) return;
    if (this.#sharded) await Promise.all(channels.map((channel) => client.sunsubscribe(channel)));
    else await client.unsubscribe(...channels);
  }

  close(): void {
    this.#closed = true;
    this.#client?.disconnect();
    this.#client = null;
  }

  #connection(): RedisClient {
    if (this.#client !== null) return this.#client;
    const { redis, logger, name, deliver, channels } = this.#options;
    const client = duplicateClient(redis, {}, { shardedSubscribers: true });
    client.on(this.#sharded ? 'smessage' : 'message', deliver);
    client.on('error', connectionErrorLog(logger, name));
    if (!this.#sharded)
      client.on('ready', () => {
        const all = channels();
        if (all.length > 0 && !this.#closed) client.subscribe(...all).catch(() => undefined);
      });
    this.#client = client;
    return client;
  }
}
