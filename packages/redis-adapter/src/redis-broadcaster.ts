import { randomBytes } from 'node:crypto';
import {
  type AuctionStore,
  type BroadcastHandler,
  type BroadcastMessage,
  type Broadcaster,
  broadcastJson,
  parseBroadcastMessage,
} from '@outcry/core';
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
  /** Payloads on the channels that were not broadcasts (another program's, or cut short): dropped. */
  dropped = 0;
  /** Starts every payload this instance publishes: `<random id>|`. */
  readonly #mark = `${randomBytes(6).toString('base64url')}|`;
  #publishedBy: AuctionStore | undefined;
  /** Messages a commit script publishes: `publish` only hands them out in this process. */
  readonly #byCommit = new WeakSet<BroadcastMessage>();
  /** Partitions only this process publishes for: their channels are not listened to. */
  readonly #sole = new Set<number>();

  constructor(options: RedisBroadcasterOptions) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#sharded = isCluster(options.redis);
  }

  /** The store whose commit script publishes each batch's message (see `publicationOf`). */
  get publishedBy(): AuctionStore | undefined {
    return this.#publishedBy;
  }

  /** Lets `store`'s commits publish the messages of its batches, as `RedisAuctionStore` does. */
  publishWithCommitsOf(store: AuctionStore): void {
    this.#publishedBy = store;
  }

  /**
   * How a commit script publishes `message`: the command, and the payload `publish` would send.
   * The message is then one this broadcaster's `publish` only hands out in this process. The
   * channel is the partition's (`RedisKeys.channel`), which shares the commit's hash tag.
   */
  publicationOf(message: BroadcastMessage): { command: 'PUBLISH' | 'SPUBLISH'; payload: string } {
    this.#byCommit.add(message);
    return { command: this.#sharded ? 'SPUBLISH' : 'PUBLISH', payload: this.#mark + broadcastJson(message) };
  }

  async publish(message: BroadcastMessage): Promise<void> {
    // Subscribers of this instance get the message object at once, in publish order; the copy
    // that comes back from Redis carries this instance's mark and is dropped unparsed.
    this.#handOut(message);
    if (this.#byCommit.delete(message)) return;
    const channel = this.#keys.channel(message.partition);
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
    const message = parseBroadcastMessage(payload.slice(payload.indexOf('|') + 1));
    if (message === null) {
      this.dropped++;
      return;
    }
    this.received++;
    this.#handOut(message);
  }

  #handOut(message: BroadcastMessage): void {
    for (const subscription of this.#subscriptions) {
      if (subscription.partitions.has(message.partition)) subscription.handler(message);
    }
  }

  async subscribe(partitions: readonly number[], handler: BroadcastHandler): Promise<() => Promise<void>> {
    const subscription: Subscription = { partitions: new Set(partitions), handler };
    this.#subscriptions.add(subscription);
    await this.#listen([...subscription.partitions]);
    return async () => {
      if (!this.#subscriptions.delete(subscription)) return;
      await this.#stopListening([...this.#channels.values()]);
    };
  }

  /**
   * Stops listening to a partition this process alone publishes for (its own messages would
   * only come back), and listens again when told it no longer is. See `Broadcaster`.
   */
  async setSolePublisher(partition: number, sole: boolean): Promise<void> {
    if (sole) {
      this.#sole.add(partition);
      await this.#stopListening([partition]);
    } else if (this.#sole.delete(partition)) {
      await this.#listen([partition]);
    }
  }

  /** True when a subscription wants the partition's messages from other processes. */
  #wanted(partition: number): boolean {
    if (this.#sole.has(partition)) return false;
    for (const subscription of this.#subscriptions) if (subscription.partitions.has(partition)) return true;
    return false;
  }

  /** Subscribes the channels of those partitions that are wanted and not yet listened to. */
  async #listen(partitions: readonly number[]): Promise<void> {
    const fresh: string[] = [];
    for (const partition of partitions) {
      const channel = this.#keys.channel(partition);
      if (!this.#channels.has(channel) && this.#wanted(partition)) {
        this.#channels.set(channel, partition);
        fresh.push(channel);
      }
    }
    if (fresh.length === 0 || this.#closed) return;
    const subscriber = this.#subscriberConnection();
    if (this.#sharded) {
      // Sharded channels of different slots may live on different nodes: one command per channel.
      await Promise.all(fresh.map((channel) => subscriber.ssubscribe(channel)));
    } else {
      await subscriber.subscribe(...fresh);
    }
  }

  /** Unsubscribes the channels of those partitions that are listened to and no longer wanted. */
  async #stopListening(partitions: readonly number[]): Promise<void> {
    const unused: string[] = [];
    for (const partition of partitions) {
      const channel = this.#keys.channel(partition);
      if (this.#channels.has(channel) && !this.#wanted(partition)) unused.push(channel);
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
