import { randomBytes } from 'node:crypto';
import { type BroadcastHandler, type BroadcastMessage, type Broadcaster, broadcastJson } from '@outcry/core';
import type { RedisKeys } from './keys.js';
import { duplicateClient, isCluster, type RedisClient } from './redis-client.js';

/** What a RedisBroadcaster needs. */
export interface RedisBroadcasterOptions {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
}

interface Subscription {
  readonly partitions: ReadonlySet<number>;
  readonly handler: BroadcastHandler;
}

/**
 * Broadcaster on Redis Pub/Sub: one channel per partition. On a Cluster it uses sharded
 * Pub/Sub (SPUBLISH/SSUBSCRIBE), so a partition's messages stay on the node of its hash tag.
 * Subscriptions run on one connection of their own (made with duplicate() on first use), which
 * ioredis subscribes again after a reconnect. This instance's own subscribers get its messages
 * directly, without a trip through Redis. Pub/Sub is at most once: a message sent while a
 * subscriber was away is lost to it, which is why every event carries its auction's seq.
 */
export class RedisBroadcaster implements Broadcaster {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #sharded: boolean;
  readonly #subscriptions = new Set<Subscription>();
  /** Channel -> partition, for every channel subscribed. */
  readonly #channels = new Map<string, number>();
  #subscriber: RedisClient | null = null;
  #closed = false;
  /** Messages received from other instances (for metrics). */
  received = 0;
  /** Starts every payload this instance publishes: `<random id>|`. */
  readonly #mark = `${randomBytes(6).toString('base64url')}|`;

  constructor(options: RedisBroadcasterOptions) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#sharded = isCluster(options.redis);
  }

  async publish(message: BroadcastMessage): Promise<void> {
    const channel = this.#keys.channel(message.partition);
    // Subscribers of this instance get the message object at once, in publish order; the copy
    // that comes back from Redis carries this instance's mark and is dropped unparsed.
    this.#handOut(message);
    const payload = this.#mark + broadcastJson(message);
    if (this.#sharded) await this.#redis.spublish(channel, payload);
    else await this.#redis.publish(channel, payload);
  }

  #subscriberConnection(): RedisClient {
    if (this.#subscriber !== null) return this.#subscriber;
    const client = this.#redis;
    const subscriber = duplicateClient(client, {}, { shardedSubscribers: true });
    const deliver = (channel: string, payload: string) => this.#deliver(channel, payload);
    subscriber.on(this.#sharded ? 'smessage' : 'message', deliver);
    // Errors surface on the commands; an 'error' listener keeps a lost connection from crashing the process.
    subscriber.on('error', () => undefined);
    this.#subscriber = subscriber;
    return subscriber;
  }

  #deliver(channel: string, payload: string): void {
    if (!this.#channels.has(channel) || payload.startsWith(this.#mark)) return;
    this.received++;
    this.#handOut(JSON.parse(payload.slice(payload.indexOf('|') + 1)) as BroadcastMessage);
  }

  #handOut(message: BroadcastMessage): void {
    for (const subscription of this.#subscriptions) {
      if (subscription.partitions.has(message.partition)) subscription.handler(message);
    }
  }

  async subscribe(partitions: readonly number[], handler: BroadcastHandler): Promise<() => Promise<void>> {
    const subscription: Subscription = { partitions: new Set(partitions), handler };
    this.#subscriptions.add(subscription);
    const fresh: string[] = [];
    for (const partition of subscription.partitions) {
      const channel = this.#keys.channel(partition);
      if (!this.#channels.has(channel)) {
        this.#channels.set(channel, partition);
        fresh.push(channel);
      }
    }
    if (fresh.length > 0) {
      const subscriber = this.#subscriberConnection();
      if (this.#sharded) {
        // Sharded channels of different slots may live on different nodes: one command per channel.
        await Promise.all(fresh.map((channel) => subscriber.ssubscribe(channel)));
      } else {
        await subscriber.subscribe(...fresh);
      }
    }
    return async () => {
      if (!this.#subscriptions.delete(subscription)) return;
      await this.#dropUnused();
    };
  }

  /** Unsubscribes the channels no subscription needs any longer. */
  async #dropUnused(): Promise<void> {
    const needed = new Set<number>();
    for (const subscription of this.#subscriptions)
      for (const partition of subscription.partitions) needed.add(partition);
    const unused: string[] = [];
    for (const [channel, partition] of this.#channels) {
      if (!needed.has(partition)) unused.push(channel);
    }
    if (unused.length === 0 || this.#subscriber === null || this.#closed) return;
    for (const channel of unused) this.#channels.delete(channel);
    const subscriber = this.#subscriber;
    if (this.#sharded) await Promise.all(unused.map((channel) => subscriber.sunsubscribe(channel)));
    else await subscriber.unsubscribe(...unused);
  }

  /** Drops the subscriber connection this broadcaster made. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#subscriptions.clear();
    this.#channels.clear();
    this.#subscriber?.disconnect();
    this.#subscriber = null;
  }
}
