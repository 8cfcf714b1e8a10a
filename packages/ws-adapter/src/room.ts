import type { AuctionEvent, AuctionHouse, Clock, PublicAuction } from '@outcry/core';
import { isOutcryError } from '@outcry/core';
import type { Connection } from './connection.js';
import type { GatewayErrorCode } from './error-codes.js';
import type { GatewayCounters } from './gateway-metrics.js';
import type { SlowConsumerPolicy } from './slow-consumer-policy.js';
import { encodeTextFrame } from './text-frame.js';

/**
 * One connection's watch of one auction.
 * - `joining`: waits for a snapshot; events pass it by.
 * - `live`: receives every event with seq > `floor`, as long as seqs follow on from `last`.
 * - `behind`: its socket's buffer was over the limit; it gets a snapshot once drained.
 */
export interface Subscription {
  readonly connection: Connection;
  readonly room: Room;
  state: 'joining' | 'live' | 'behind';
  /** The seq of the last snapshot sent: events up to it are already in the client's view. */
  floor: number;
  /** The last seq the client has (from a snapshot or an event). Several events may share one seq. */
  last: number;
  /** A reconnecting client's lastSeq: when the snapshot is no newer, none is sent. */
  resumeFrom: number | null;
}

interface PendingEvent {
  readonly seq: number;
  readonly frame: Buffer;
}

/** Snapshot reads older than what was already delivered are retried this many times. */
const STALE_SNAPSHOT_RETRIES = 5;

/**
 * The watchers of one auction. It holds ONE house subscription however many sockets watch, frames
 * each event once (JSON and WebSocket header), gathers the events of one tick and writes them to
 * each socket in one write. It reads one snapshot for all the subscriptions that need one at a time
 * (joiners, gaps, drained slow consumers).
 */
export class Room {
  readonly auctionId: string;
  readonly #house: AuctionHouse;
  readonly #clock: Clock;
  readonly #counters: GatewayCounters;
  readonly #policy: SlowConsumerPolicy;
  readonly #onEmpty: (room: Room) => void;
  readonly #subscriptions = new Set<Subscription>();
  readonly #unsubscribe: () => void;
  #pending: PendingEvent[] = [];
  #flushScheduled = false;
  /** The highest seq written to any socket: a snapshot older than it is stale. */
  #flushedSeq = -1;
  readonly #needSnapshot = new Set<Subscription>();
  #reading = false;
  #closed = false;

  constructor(options: {
    auctionId: string;
    house: AuctionHouse;
    clock: Clock;
    counters: GatewayCounters;
    policy: SlowConsumerPolicy;
    onEmpty: (room: Room) => void;
  }) {
    this.auctionId = options.auctionId;
    this.#house = options.house;
    this.#clock = options.clock;
    this.#counters = options.counters;
    this.#policy = options.policy;
    this.#onEmpty = options.onEmpty;
    this.#unsubscribe = this.#house.subscribe(this.auctionId, this.#onEvent);
  }

  get size(): number {
    return this.#subscriptions.size;
  }

  /** Add a connection; it gets a snapshot (or, resuming at the current seq, just the next events). */
  join(connection: Connection, resumeFrom: number | null): Subscription {
    const subscription: Subscription = { connection, room: this, state: 'joining', floor: -1, last: -1, resumeFrom };
    this.#subscriptions.add(subscription);
    connection.subscriptions.set(this.auctionId, subscription);
    this.requestSnapshot(subscription);
    return subscription;
  }

  /** Remove a subscription; the last one out closes the room. */
  leave(subscription: Subscription): void {
    if (!this.#subscriptions.delete(subscription)) return;
    this.#needSnapshot.delete(subscription);
    subscription.connection.behind.delete(subscription);
    if (subscription.connection.subscriptions.get(this.auctionId) === subscription) {
      subscription.connection.subscriptions.delete(this.auctionId);
    }
    if (this.#subscriptions.size === 0) this.close();
  }

  /** Stop listening to the house. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#pending = [];
    this.#needSnapshot.clear();
    this.#onEmpty(this);
  }

  /** Queue a subscription for the next snapshot read; one read serves every subscription waiting. */
  requestSnapshot(subscription: Subscription): void {
    if (this.#closed || !this.#subscriptions.has(subscription)) return;
    subscription.state = 'joining';
    this.#needSnapshot.add(subscription);
    if (!this.#reading) void this.#readSnapshot(0);
  }

  // Called by the house inside its broadcast loop: it must never throw.
  readonly #onEvent = (event: AuctionEvent): void => {
    try {
      this.#counters.eventsReceived++;
      this.#pending.push({
        seq: event.seq,
        frame: encodeTextFrame(`{"type":"event","event":${JSON.stringify(event)}}`),
      });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        // After the I/O phase: every event that arrived in it goes out in one write per socket.
        setImmediate(this.#flush);
      }
    } catch {
      this.#counters.internalErrors++;
    }
  };

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    const first = batch[0];
    const lastEvent = batch.at(-1);
    if (first === undefined || lastEvent === undefined || this.#closed) return;
    try {
      const started = performance.now();
      this.#deliver(batch, first.seq, lastEvent.seq);
      const took = performance.now() - started;
      if (took > this.#counters.slowestFanoutMs) this.#counters.slowestFanoutMs = took;
    } catch {
      this.#counters.internalErrors++;
    }
  };

  #deliver(batch: PendingEvent[], firstSeq: number, lastSeq: number): void {
    let contiguous = true;
    for (let i = 1; i < batch.length; i++) {
      const seq = (batch[i] as PendingEvent).seq;
      const previous = (batch[i - 1] as PendingEvent).seq;
      if (seq < previous || seq > previous + 1) contiguous = false;
    }
    let whole: Buffer | undefined;
    let delivered = 0;
    let writes = 0;
    for (const subscription of this.#subscriptions) {
      if (subscription.state !== 'live') continue;
      const connection = subscription.connection;
      if (this.#policy.isOverLimit(connection)) {
        this.#policy.markBehind(subscription);
        continue;
      }
      // The common case: the socket is in step with the room, so it gets the shared bytes.
      if (contiguous && subscription.floor < firstSeq && firstSeq <= subscription.last + 1) {
        whole ??= batch.length === 1 ? (batch[0] as PendingEvent).frame : Buffer.concat(batch.map((e) => e.frame));
        connection.writeShared(whole);
        subscription.last = lastSeq;
        delivered += batch.length;
        writes++;
        continue;
      }
      const sent = this.#deliverOne(subscription, batch);
      if (sent > 0) writes++;
      delivered += sent;
    }
    this.#counters.eventsDelivered += delivered;
    this.#counters.fanoutWrites += writes;
    if (lastSeq > this.#flushedSeq) this.#flushedSeq = lastSeq;
  }

  /** A subscription out of step (just snapshotted mid-batch, or a gap): filter the batch for it. */
  #deliverOne(subscription: Subscription, batch: PendingEvent[]): number {
    const frames: Buffer[] = [];
    for (const event of batch) {
      if (event.seq <= subscription.floor) continue;
      if (event.seq > subscription.last + 1) {
        this.#counters.gaps++;
        this.requestSnapshot(subscription);
        return 0;
      }
      frames.push(event.frame);
      if (event.seq > subscription.last) subscription.last = event.seq;
    }
    if (frames.length === 0) return 0;
    subscription.connection.writeShared(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames));
    return frames.length;
  }

  async #readSnapshot(attempt: number): Promise<void> {
    this.#reading = true;
    let auction: PublicAuction | null;
    try {
      auction = await this.#house.getAuction(this.auctionId);
    } catch (error) {
      this.#reading = false;
      const code: GatewayErrorCode =
        isOutcryError(error) && error.code === 'SHUTTING_DOWN' ? 'SHUTTING_DOWN' : 'UNAVAILABLE';
      this.#refuseWaiting(code, `Could not read auction ${this.auctionId}; subscribe again.`);
      return;
    }
    if (this.#closed) return;
    if (auction === null) {
      this.#reading = false;
      this.#refuseWaiting('AUCTION_NOT_FOUND', `Auction ${this.auctionId} does not exist.`);
      return;
    }
    if (auction.seq < this.#flushedSeq && attempt < STALE_SNAPSHOT_RETRIES) {
      // The cache lags behind the broadcast (another process's cache): read again shortly.
      setTimeout(() => void this.#readSnapshot(attempt + 1), 5 * (attempt + 1)).unref();
      return;
    }
    this.#reading = false;
    try {
      this.#sendSnapshot(auction);
    } catch {
      this.#counters.internalErrors++;
    }
    if (this.#needSnapshot.size > 0 && !this.#closed) void this.#readSnapshot(0);
  }

  #sendSnapshot(auction: PublicAuction): void {
    const waiting = [...this.#needSnapshot];
    this.#needSnapshot.clear();
    let frame: Buffer | undefined;
    for (const subscription of waiting) {
      if (!this.#subscriptions.has(subscription) || subscription.state !== 'joining') continue;
      const resumeFrom = subscription.resumeFrom;
      subscription.resumeFrom = null;
      subscription.floor = auction.seq;
      subscription.last = auction.seq;
      if (resumeFrom === auction.seq) {
        subscription.state = 'live';
        continue;
      }
      if (this.#policy.isOverLimit(subscription.connection)) {
        this.#policy.markBehind(subscription);
        continue;
      }
      frame ??= encodeTextFrame(
        `{"type":"snapshot","auction":${JSON.stringify(auction)},"serverTime":${this.#clock.now()}}`,
      );
      subscription.connection.writeShared(frame);
      subscription.state = 'live';
      this.#counters.snapshotsSent++;
    }
  }

  #refuseWaiting(code: GatewayErrorCode, message: string): void {
    const waiting = [...this.#needSnapshot];
    this.#needSnapshot.clear();
    for (const subscription of waiting) {
      subscription.connection.sendError(code, message, { auctionId: this.auctionId });
      this.leave(subscription);
    }
  }
}
