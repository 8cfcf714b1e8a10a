import { EventEmitter } from 'eventemitter3';
import type { AuctionEvent } from '../engine/types.js';
import type { BroadcastMessage } from '../ports/broadcaster.js';
import type { SnapshotCache } from '../ports/snapshot-cache.js';
import { type HouseLogger, logHealthEvent } from './house-logger.js';
import type { HealthEvent, HouseError } from './house-types.js';
import type { PendingAnswers } from './pending-answers.js';

export type AuctionListener = (event: AuctionEvent) => void;

/** A listener of `on`: of one event type, or of `error`. */
export type HubListener = (value: HouseError & AuctionEvent) => void;

/** What the event hub needs to take in a broadcast. */
export interface EventHubOptions {
  readonly houseId: string;
  readonly logger: HouseLogger;
  readonly cache: SnapshotCache;
  /** Every process reads the one cache: broadcasts need not fill it. */
  readonly cacheShared: boolean;
  /** The callers of this house, answered by outcomes routed back from other houses. */
  readonly pending: PendingAnswers;
  /** A cache write that failed. */
  readonly cacheProblem: (partition: number, error: unknown) => void;
}

/**
 * Everything a house tells its listeners: the broadcasts of every process (events, outcomes
 * routed back, views for a cache of this process), failures underneath, and health events.
 */
export class EventHub {
  readonly #emitter = new EventEmitter();
  readonly #subscribers = new Map<string, Set<AuctionListener>>();
  readonly #healthListeners = new Set<(event: HealthEvent) => void>();
  readonly #options: EventHubOptions;
  #received = 0;

  constructor(options: EventHubOptions) {
    this.#options = options;
  }

  /** Broadcasts received. */
  get received(): number {
    return this.#received;
  }

  /** One broadcast of any process, this one included. */
  receive(message: BroadcastMessage): void {
    this.#received++;
    const { houseId, cache, cacheShared, pending } = this.#options;
    if (message.snapshots.length > 0 && !cacheShared && message.origin !== houseId) {
      cache.setMany(message.snapshots).catch((error: unknown) => this.#options.cacheProblem(message.partition, error));
    }
    for (const routed of message.outcomes) {
      if (routed.origin === houseId) pending.settle(routed.commandId, routed.outcome);
    }
    for (const event of message.events) {
      this.#emitter.emit(event.type, event);
      const listeners = this.#subscribers.get(event.auctionId);
      if (listeners !== undefined) for (const listener of listeners) listener(event);
    }
  }

  on(type: string, listener: HubListener): () => void {
    this.#emitter.on(type, listener);
    return () => this.#emitter.off(type, listener);
  }

  off(type: string, listener: HubListener): void {
    this.#emitter.off(type, listener);
  }

  /** Every event of one auction, in seq order. Returns the unsubscribe. */
  subscribe(auctionId: string, listener: AuctionListener): () => void {
    let listeners = this.#subscribers.get(auctionId);
    if (listeners === undefined) {
      listeners = new Set();
      this.#subscribers.set(auctionId, listeners);
    }
    listeners.add(listener);
    return () => {
      const set = this.#subscribers.get(auctionId);
      if (set === undefined) return;
      set.delete(listener);
      if (set.size === 0) this.#subscribers.delete(auctionId);
    };
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
