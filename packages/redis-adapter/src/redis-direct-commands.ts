import { type HouseLogger, silentLogger } from '@outcry/core';
import {
  type DirectCommandHandler,
  type DirectCommands,
  directCommandsJson,
  parseDirectCommands,
  type QueueItem,
} from '@outcry/core/adapter-kit';
import type { RedisKeys } from './keys.js';
import { isCluster, type RedisClient } from './redis-client.js';
import { SubscriberConnection } from './subscriber-connection.js';

/** What a RedisDirectCommands needs. */
export interface RedisDirectCommandsOptions {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
  /** Where the errors of the subscriber connection it makes are written (silent by default). */
  readonly logger?: HouseLogger;
}

/**
 * DirectCommands on Redis Pub/Sub: one channel per partition (`RedisKeys.commands`, sharded on a
 * Cluster), which the process owning the partition listens to. PUBLISH answers how many
 * connections heard a message: with none, the sender queues its bids at once. A handler of this
 * instance gets what is sent to its partition here directly, without a trip through Redis.
 * Subscriptions run on a SubscriberConnection of their own.
 */
export class RedisDirectCommands implements DirectCommands {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #sharded: boolean;
  readonly #subscriber: SubscriberConnection;
  /** Handlers by partition, the latest last: it is the one that receives. */
  readonly #handlers = new Map<number, DirectCommandHandler[]>();
  /** Channel -> partition, for every channel subscribed. */
  readonly #channels = new Map<string, number>();
  /** Messages that were not commands, or reached a partition nobody here receives on any more. */
  dropped = 0;

  constructor(options: RedisDirectCommandsOptions) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#sharded = isCluster(options.redis);
    this.#subscriber = new SubscriberConnection({
      redis: options.redis,
      logger: options.logger ?? silentLogger,
      name: 'Redis subscriber of direct commands',
      deliver: (channel, payload) => this.#deliver(channel, payload),
      channels: () => [...this.#channels.keys()],
    });
  }

  async send(partition: number, items: readonly QueueItem[]): Promise<boolean> {
    const handler = this.#handlerOf(partition);
    if (handler !== undefined) {
      handler(items);
      return true;
    }
    const channel = this.#keys.commands(partition);
    const payload = directCommandsJson(items);
    // How many connections heard it (the union of the client types leaves it unknown).
    const heard = this.#sharded
      ? await this.#redis.spublish(channel, payload)
      : await this.#redis.publish(channel, payload);
    return Number(heard) > 0;
  }

  async receive(partition: number, handler: DirectCommandHandler): Promise<() => Promise<void>> {
    const handlers = this.#handlers.get(partition) ?? [];
    handlers.push(handler);
    this.#handlers.set(partition, handlers);
    const channel = this.#keys.commands(partition);
    if (!this.#channels.has(channel)) {
      this.#channels.set(channel, partition);
      await this.#subscriber.subscribe([channel]);
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      const left = (this.#handlers.get(partition) ?? []).filter((h) => h !== handler);
      // Unsubscribed before the handler leaves: what Redis sent before that still reaches it.
      if (left.length === 0 && this.#channels.delete(channel)) await this.#subscriber.unsubscribe([channel]);
      if (left.length === 0) this.#handlers.delete(partition);
      else this.#handlers.set(partition, left);
    };
  }

  #handlerOf(partition: number): DirectCommandHandler | undefined {
    const handlers = this.#handlers.get(partition);
    return handlers?.[handlers.length - 1];
  }

  #deliver(channel: string, payload: string): void {
    const partition = this.#channels.get(channel);
    const handler = partition === undefined ? undefined : this.#handlerOf(partition);
    const items = handler === undefined ? null : parseDirectCommands(payload);
    if (handler === undefined || items === null) {
      // The sender queues what stays unanswered.
      this.dropped++;
      return;
    }
    handler(items);
  }

  /** Drops the subscriber connection this instance made. */
  async close(): Promise<void> {
    this.#subscriber.close();
    this.#handlers.clear();
    this.#channels.clear();
  }
}
