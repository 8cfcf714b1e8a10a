import { EventEmitter } from 'eventemitter3';
import type { AuctionEvent } from '../engine/types.js';
import type { Broadcaster, BroadcastMessage } from '../ports/broadcaster.js';
import type { SnapshotCache } from '../ports/snapshot-cache.js';
import { type HouseLogger, logHealthEvent } from './house-logger.js';
import type { HealthEvent, HouseError } from './house-types.js';
import { partitionOf } from './partition-of.js';

export type AuctionListener = (event: AuctionEvent) => void;

/**
 * Stops a listener when called. `ready` resolves once the house receives what the listener
 * asked for from every process: events committed after it are all delivered.
 */
export interface Unsubscribe {
  (): void;
  readonly ready: Promise<void>;
}

/** A listener of `on`: of one event type, or of `error`. */
export type HubListener = (value: HouseError & AuctionEvent) => void;

/** What the event hub needs to take in a broadcast. */
export interface EventHubOptions {
  readonly houseId: string;
  readonly partitions: number;
  readonly broadcaster: Broadcaster;
  readonly logger: HouseLogger;
  readonly cache: SnapshotCache;
  /** Every process reads the one cache: broadcasts need not fill it. */
  readonly cacheShared: boolean;
  /** A cache write, or a subscription, that failed. */
  readonly problem: (operation: 'cache' | 'subscribe', partition: number, error: unknown) => void;
}

/** How soon a partition subscription that failed is tried again. */
const SUBSCRIBE_AGAIN_MS = 1_000;

/** `on` listeners of these do not need broadcasts. */
const LOCAL_TYPES = new Set(['error']);

/**
 * Everything a house tells its listeners: the broadcasts of the partitions it listens to
 * (events, views for a cache of this process), failures underneath, and health events.
 *
 * A house listens only where somebody in it does: to every partition while an `on` listener
 * of an event type is registered (or while its cache is filled from broadcasts), otherwise to
 * the partitions of the auctions with a `subscribe` listener, and to none when nobody listens.
 * A process then receives no traffic of auctions nobody in it watches.
 */
export class EventHub {
  readonly #emitter = new EventEmitter();
  readonly #subscribers = new Map<string, Set<AuctionListener>>();
  readonly #healthListeners = new Set<(event: HealthEvent) => void>();
  readonly #options: EventHubOptions;
  #received = 0;
  /** `on` listeners of event types: while any is registered, every partition is listened to. */
  #typeListeners = 0;
  /** Per partition, how many auctions of it have `subscribe` listeners. */
  readonly #watched = new Map<number, number>();
  /** The broadcaster subscription of each partition listened to (resolves to its unsubscribe). */
  readonly #listening = new Map<number, Promise<(() => Promise<void>) | null>>();
  #open = false;
  /** The pending retry of subscriptions that failed. */
  #retry: NodeJS.Timeout | null = null;

  constructor(options: EventHubOptions) {
    this.#options = options;
  }

  /** Start listening where somebody listens; resolves once subscribed. */
  async open(): Promise<void> {
    this.#open = true;
    await this.#sync();
  }

  /** Stop listening to every partition. */
  async close(): Promise<void> {
    this.#open = false;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    await this.#sync();
  }

  #wants(partition: number): boolean {
    if (!this.#open) return false;
    if (!this.#options.cacheShared || this.#typeListeners > 0) return true;
    return this.#watched.has(partition);
  }

  /** Subscribes the partitions wanted and not listened to, and drops the others. */
  async #sync(): Promise<void> {
    const { broadcaster, partitions } = this.#options;
    const changes: Promise<unknown>[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      const listening = this.#listening.get(partition);
      const wanted = this.#wants(partition);
      if (wanted && listening === undefined) {
        const subscribing: Promise<(() => Promise<void>) | null> = broadcaster
          .subscribe([partition], (message) => this.receive(message))
          .catch((error: unknown) => {
            this.#options.problem('subscribe', partition, error);
            // Not listened to: tried again in a moment, while somebody still wants it.
            if (this.#listening.get(partition) === subscribing) this.#listening.delete(partition);
            this.#syncSoon();
            return null;
          });
        this.#listening.set(partition, subscribing);
        changes.push(subscribing);
      } else if (!wanted && listening !== undefined) {
        this.#listening.delete(partition);
        changes.push(listening.then((unsubscribe) => unsubscribe?.()).catch(() => undefined));
      }
    }
    await Promise.all(changes);
  }

  #changed(): void {
    void this.#sync();
  }

  /** Subscribe again what failed, after a pause (one timer for every partition). */
  #syncSoon(): void {
    if (this.#retry !== null || !this.#open) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.#sync();
    }, SUBSCRIBE_AGAIN_MS);
    this.#retry.unref();
  }

  /** The partitions listened to (subscribed, or being subscribed), in order. */
  listened(): number[] {
    return [...this.#listening.keys()].sort((a, b) => a - b);
  }

  /** Broadcasts received. */
  get received(): number {
    return this.#received;
  }

  /** One broadcast of any process, this one included. */
  receive(message: BroadcastMessage): void {
    this.#received++;
    const { houseId, cache, cacheShared } = this.#options;
    if (message.snapshots.length > 0 && !cacheShared && message.origin !== houseId) {
      cache
        .setMany(message.snapshots)
        .catch((error: unknown) => this.#options.problem('cache', message.partition, error));
    }
    for (const event of message.events) {
      this.#emitter.emit(event.type, event);
      const listeners = this.#subscribers.get(event.auctionId);
      if (listeners !== undefined) for (const listener of listeners) listener(event);
    }
  }

  on(type: string, listener: HubListener): Unsubscribe {
    this.#emitter.on(type, listener);
    if (!LOCAL_TYPES.has(type)) {
      this.#typeListeners++;
      if (this.#typeListeners === 1) this.#changed();
    }
    let on = true;
    const off = () => {
      if (!on) return;
      on = false;
      this.off(type, listener);
    };
    const partitions = Array.from({ length: this.#options.partitions }, (_, partition) => partition);
    return Object.assign(off, { ready: this.#ready(LOCAL_TYPES.has(type) ? [] : partitions) });
  }

  /** Resolves once the partitions are listened to (at once when none need to be). */
  async #ready(partitions: readonly number[]): Promise<void> {
    await Promise.all(partitions.map((partition) => this.#listening.get(partition)));
  }

  off(type: string, listener: HubListener): void {
    const before = this.#emitter.listenerCount(type);
    this.#emitter.off(type, listener);
    if (LOCAL_TYPES.has(type) || this.#emitter.listenerCount(type) === before) return;
    this.#typeListeners -= before - this.#emitter.listenerCount(type);
    if (this.#typeListeners === 0) this.#changed();
  }

  /** Every event of one auction, in seq order, once `ready`. Returns the unsubscribe. */
  subscribe(auctionId: string, listener: AuctionListener): Unsubscribe {
    let listeners = this.#subscribers.get(auctionId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#subscribers.set(auctionId, listeners);
      this.#watch(auctionId, 1);
    }
    listeners.add(listener);
    const off = () => {
      const set = this.#subscribers.get(auctionId);
      if (set === undefined || !set.delete(listener)) return;
      if (set.size > 0) return;
      this.#subscribers.delete(auctionId);
      this.#watch(auctionId, -1);
    };
    return Object.assign(off, { ready: this.#ready([this.#partitionOf(auctionId)]) });
  }

  #partitionOf(auctionId: string): number {
    const { partitions } = this.#options;
    return partitions === 1 ? 0 : partitionOf(auctionId, partitions);
  }

  #watch(auctionId: string, change: 1 | -1): void {
    const partition = this.#partitionOf(auctionId);
    const count = (this.#watched.get(partition) ?? 0) + change;
    if (count > 0) this.#watched.set(partition, count);
    else this.#watched.delete(partition);
    if (count === 0 || (count === 1 && change === 1)) this.#changed();
  }

  onHealth(listener: (event: HealthEvent) => void): () => void {
    this.#healthListeners.add(listener);
    return () => this.#healthListeners.delete(listener);
  }

  /** `on('error')` listeners; what they throw is ignored, as for health listeners. */
  emitError(error: HouseError): void {
    try {
      this.#emitter.emit('error', error);
    } catch {
      // A listener's failure must not reach the call that failed.
    }
  }

  emitHealth(event: HealthEvent): void {
    logHealthEvent(this.#options.logger, event, Date.now());
    if (event.type === 'failure')
      this.emitError({ operation: event.operation, partition: event.partition, cause: event.error });
    else if (event.type === 'refused')
      this.emitError({ operation: 'refused', partition: event.partition, cause: event.error });
    for (const listener of this.#healthListeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not reach the sequencer that reported.
      }
    }
  }
}
