import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'eventemitter3';
import { buildAuctionSpec } from '../engine/auction-spec.js';
import { toPublicAuction } from '../engine/public-view.js';
import type {
  AuctionCommand,
  AuctionEvent,
  AuctionEventType,
  BidOutcome,
  BidRejected,
  CommandOutcome,
  PublicAuction,
} from '../engine/types.js';
import { OutcryError } from '../errors.js';
import type { AuctionStore, LedgerEntry, PartitionClaim } from '../ports/auction-store.js';
import type { BidQueue } from '../ports/bid-queue.js';
import type { Broadcaster, BroadcastMessage, RoutedOutcome } from '../ports/broadcaster.js';
import type { BackendCapabilities, PartitionFencing, SolePublisher } from '../ports/backend.js';
import type { Clock } from '../ports/clock.js';
import type { Lease, Lock } from '../ports/lock.js';
import type { SnapshotCache } from '../ports/snapshot-cache.js';
import { isAuctionId } from '../schemas/auction-id.js';
import { isWellFormedBid } from '../schemas/bid-fast-path.js';
import {
  type BuyNowInput,
  buyNowInputSchema,
  type CancelAuctionInput,
  type CreateAuctionInput,
  cancelAuctionInputSchema,
  createAuctionInputSchema,
  type GetBidsInput,
  getBidsInputSchema,
  type ListAuctionsInput,
  listAuctionsInputSchema,
  type PlaceBidInput,
  placeBidInputSchema,
} from '../schemas/input-schemas.js';
import { isOpaqueId } from '../schemas/opaque-id.js';
import { describeIssues, parseInput } from '../schemas/parse-input.js';
import { commitFailureOf } from './commit-failure.js';
import { DeadlineHeap } from './deadline-heap.js';
import { dependencyOf, HouseHealthTracker, unavailableRefusal, unknownOutcome } from './house-health.js';
import { type HouseLogger, logHealthEvent, logHouseError } from './house-logger.js';
import { type AuctionHouseOptions, type HouseSettings, resolveHouseOptions } from './house-options.js';
import { HousePresence } from './house-presence.js';
import type {
  AuctionStats,
  HealthEvent,
  HouseDependency,
  HouseError,
  HouseHealth,
  HouseMetrics,
  HouseOperation,
  PublicBid,
  Trouble,
} from './house-types.js';
import { partitionOf } from './partition-of.js';
import { PendingAnswers } from './pending-answers.js';
import { type Answer, Sequencer, type SequencerHost } from './sequencer.js';
import type { HouseItem, SequencedCommand } from './sequenced-command.js';
import { createSequencerStats, type SequencerStats } from './sequencer-stats.js';
import { storeRejection } from './store-rejection.js';

/** Waiting commands are split over free commit slots only in shares of at least this many. */
const MIN_PIPELINED_BATCH = 16;

type Listener = (event: AuctionEvent) => void;

/** A command as intake takes it in: not queued yet (empty id), maybe carrying its caller's waiter. */
type IntakeItem = SequencedCommand;

const SCHEDULER_LOOK_MS = 100;
/** While a partition is unavailable, one command in this many ms goes through to try the store again. */
const PROBE_EVERY_MS = 200;
/** How soon a house under its fair share of partitions looks for free ones again. */
const CLAIM_AGAIN_MS = 250;

/**
 * The AuctionHouse: intake, partitioned single-writer sequencers, scheduling of openings and
 * closings, reads through the snapshot cache, and events. Create one with `createAuctionHouse`.
 */
export class AuctionHouse {
  readonly houseId: string;
  readonly partitions: number;
  readonly #store: AuctionStore;
  readonly #queue: BidQueue;
  readonly #lock: Lock;
  readonly #broadcaster: Broadcaster;
  readonly #cache: SnapshotCache;
  readonly #capabilities: BackendCapabilities;
  readonly #fencing: PartitionFencing | undefined;
  readonly #solePublisher: SolePublisher | undefined;
  readonly #clock: Clock;
  readonly #options: HouseSettings;
  readonly #emitter = new EventEmitter();
  readonly #logger: HouseLogger;
  readonly #subscribers = new Map<string, Set<Listener>>();
  readonly #pending = new PendingAnswers();
  readonly #intake = new Map<number, IntakeItem[]>();
  readonly #sequencers = new Map<number, Sequencer>();
  /** Partitions whose messages only this house publishes now (see #publishAlone). */
  readonly #sole = new Set<number>();
  readonly #deadlines = new DeadlineHeap();
  readonly #stats: SequencerStats = createSequencerStats();
  readonly #host: SequencerHost;
  readonly #presence: HousePresence;
  readonly #health: HouseHealthTracker;
  readonly #healthListeners = new Set<(event: HealthEvent) => void>();
  /** When a command last went through to an unavailable partition as a probe (see #probeDue). */
  readonly #probedAt = new Map<number, number>();
  /** A look at the partitions' availability, due when the oldest trouble turns into an outage. */
  #availabilityTimer: NodeJS.Timeout | null = null;
  #claiming = false;
  #lastHouseCount: number | null = null;
  #soonTimer: NodeJS.Timeout | null = null;
  #flushScheduled = false;
  #flushing: Promise<void> = Promise.resolve();
  #counter = 0;
  #state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  #starting: Promise<void> | null = null;
  #unsubscribe: (() => Promise<void>) | null = null;
  #schedulerTimer: NodeJS.Timeout | null = null;
  #schedulerAt = Number.POSITIVE_INFINITY;
  #leaseTimer: NodeJS.Timeout | null = null;
  #timeoutTimer: NodeJS.Timeout | null = null;
  /** Real time, refreshed by the timeout sweep: waiters need no clock read each. */
  #now = Date.now();
  #broadcastsReceived = 0;
  #intakeErrors = 0;
  /** Commands handed to this house's own sequencers, and commands sent through the queue. */
  #inMemory = 0;
  #queued = 0;

  constructor(options: AuctionHouseOptions = {}) {
    const settings = resolveHouseOptions(options, () => `h-${randomUUID().slice(0, 8)}`);
    const { backend } = settings;
    this.#options = settings;
    this.#clock = settings.clock;
    this.#store = backend.store;
    this.#queue = backend.queue;
    this.#lock = backend.lock;
    this.#broadcaster = backend.broadcaster;
    this.#cache = backend.cache;
    this.#capabilities = backend.capabilities;
    this.#fencing = backend.capabilities.fencing ? backend.fencing : undefined;
    this.#solePublisher = backend.capabilities.solePublisher ? backend.solePublisher : undefined;
    this.partitions = settings.partitions;
    this.houseId = settings.houseId;
    this.#logger = settings.logger;
    this.#health = new HouseHealthTracker(this.#options.unavailableAfterMs);
    this.#presence = new HousePresence(this.#lock, this.houseId, this.#options.presenceSlots);
    this.#host = {
      houseId: this.houseId,
      store: this.#store,
      queue: this.#queue,
      broadcaster: this.#broadcaster,
      stats: this.#stats,
      answer: (answers) => this.#answer(answers),
      routedOf: (answers) => this.#routedOf(answers),
      broadcastWithCommit: this.#capabilities.commitPublishes,
      storeSnapshots: (snapshots) => {
        const stored = this.#cache.setMany(snapshots).catch((error: unknown) => this.#problem('cache', null, error));
        // An in-process cache is written at once; a shared one would cost a round trip per
        // batch before answering, so its write goes out alongside the answers instead.
        return this.#capabilities.cacheShared ? Promise.resolve() : stored;
      },
      cacheKeptByStore: this.#capabilities.commitFillsCache,
      cacheShared: this.#capabilities.cacheShared,
      armDeadline: (auctionId, at) => this.#arm(auctionId, at),
      onLost: (partition) => this.#lose(partition),
      onFenced: (partition) => this.#publishAlone(partition),
      now: () => this.#clock.now(),
      reroute: (partition, items) => void this.#enqueue(partition, items),
      failed: (partition, operation, error) => this.#failed(operation, partition, error),
      problem: (partition, operation, error) => this.#problem(operation, partition, error),
      recovered: (partition, operation) => this.#recovered(dependencyOf(operation), partition),
      refused: (partition, entry, error) => {
        const { command } = entry;
        const auctionId = command.type === 'create' ? command.spec.id : command.auctionId;
        this.#emitHealth({ type: 'refused', partition, command: command.type, auctionId, error });
      },
    };
  }

  // ---- lifecycle ------------------------------------------------------------------------

  /** Subscribe to broadcasts, take the partitions whose leases are free, start sequencing. Idempotent. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    await this.#store.checkPartitionCount(this.partitions);
    const all = Array.from({ length: this.partitions }, (_, p) => p);
    this.#unsubscribe = await this.#broadcaster.subscribe(all, (message) => this.#receive(message));
    this.#state = 'running';
    await this.#claimPartitions();
    const every = Math.max(50, Math.floor(this.#options.leaseTtlMs / 3));
    // Each house keeps its own rhythm (±20%): houses started together would otherwise probe the
    // presence slots at the same instants and see each other's probes as houses.
    const tick = () => {
      this.#leaseTimer = setTimeout(
        () => {
          void this.#claimPartitions().finally(() => {
            if (this.#state === 'running') tick();
          });
        },
        every * (0.8 + 0.4 * Math.random()),
      );
      this.#leaseTimer.unref();
    };
    tick();
    this.#timeoutTimer = setInterval(() => void this.#expireWaiters(), 1_000);
    this.#timeoutTimer.unref();
  }

  /** Stop taking commands, answer every caller already waiting, then release the partitions. */
  async stop(): Promise<void> {
    if (this.#state === 'stopped' || this.#state === 'stopping') return;
    if (this.#state === 'new') {
      this.#state = 'stopped';
      return;
    }
    this.#state = 'stopping';
    await this.#flush();
    await this.#flushing;
    const deadline = Date.now() + Math.min(this.#options.answerTimeoutMs, 10_000);
    while (this.#pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    if (this.#leaseTimer) clearTimeout(this.#leaseTimer);
    if (this.#timeoutTimer) clearInterval(this.#timeoutTimer);
    if (this.#schedulerTimer) clearTimeout(this.#schedulerTimer);
    if (this.#soonTimer) clearTimeout(this.#soonTimer);
    if (this.#availabilityTimer) clearTimeout(this.#availabilityTimer);
    const sequencers = [...this.#sequencers.values()];
    this.#sequencers.clear();
    await Promise.all([...this.#sole].map((partition) => this.#hearOthers(partition)));
    await Promise.all(sequencers.map((s) => s.stop()));
    await Promise.all(sequencers.map((s) => this.#lock.release(s.lease).catch(() => false)));
    await this.#presence.leave();
    await this.#unsubscribe?.();
    this.#pending.failAll(
      new OutcryError('SHUTTING_DOWN', 'The auction house stopped before this command was judged.'),
    );
    this.#state = 'stopped';
  }

  /**
   * Every third of a lease: renew what this house owns, count the houses present, hand over
   * partitions above a fair share (ceil(P / houses)) and take free ones up to it. A house that
   * dies stops counting once its presence lease expires, and the others share its partitions.
   */
  async #claimPartitions(): Promise<void> {
    if (this.#state !== 'running' || this.#claiming) return;
    this.#claiming = true;
    try {
      const ttl = this.#options.leaseTtlMs;
      // A probe can catch another house's probe mid-way and count it once too often: the share
      // follows the smaller of the last two counts, so one odd count moves nothing.
      const counted = await this.#presence.count(ttl).catch(() => 1);
      const houses = Math.min(counted, this.#lastHouseCount ?? counted);
      this.#lastHouseCount = counted;
      const share = Math.ceil(this.partitions / Math.max(1, houses));
      await Promise.all([...this.#sequencers.values()].map((sequencer) => this.#renew(sequencer, ttl)));
      const owned = [...this.#sequencers.keys()].sort((a, b) => a - b);
      // Handing over and starting run beside the claim loop, so that a slow stop or load never
      // holds up the renewal of the other leases.
      for (const partition of owned.slice(share)) {
        // Its next owner judges its commands now: what this house saw of its store is old news.
        this.#health.forget(partition);
        void this.#handOver(partition);
      }
      const offset = Math.floor(((this.#presence.slot ?? 0) * this.partitions) / this.#options.presenceSlots);
      for (let i = 0; i < this.partitions && this.#sequencers.size < share; i++) {
        const partition = (offset + i) % this.partitions;
        if (!this.#sequencers.has(partition)) await this.#take(partition, ttl);
      }
      // Under its share, a house looks again soon: partitions handed over by others sit
      // unowned (their commands waiting) until someone takes them.
      if (this.#sequencers.size < share) this.#claimSoon();
    } finally {
      this.#claiming = false;
    }
  }

  /** Look for free partitions in a moment rather than at the next renewal. */
  #claimSoon(): void {
    if (this.#soonTimer !== null || this.#state !== 'running') return;
    this.#soonTimer = setTimeout(() => {
      this.#soonTimer = null;
      void this.#claimPartitions();
    }, CLAIM_AGAIN_MS);
    this.#soonTimer.unref();
  }

  async #renew(sequencer: Sequencer, ttl: number): Promise<void> {
    try {
      const renewed = await this.#lock.renew(sequencer.lease, ttl);
      this.#recovered('lock', sequencer.partition);
      if (renewed === null) this.#lose(sequencer.partition);
      else sequencer.lease = renewed;
    } catch (error) {
      this.#intakeErrors++;
      this.#failed('renew', sequencer.partition, error);
    }
  }

  async #take(partition: number, ttl: number): Promise<void> {
    try {
      const lease = await this.#acquireClaimed(partition, ttl);
      this.#recovered('lock', partition);
      if (lease === null) {
        // Another house owns it: what this house saw of its store there is old news.
        this.#recovered('store', partition);
        return;
      }
      if (this.#state !== 'running') {
        await this.#lock.release(lease);
        return;
      }
      const sequencer = new Sequencer(this.#host, partition, lease, {
        maxBatch: this.#options.maxBatch,
        recentBids: this.#options.recentBids,
        retryDelayMs: 50,
        maxCommitsInFlight: this.#options.maxCommitsInFlight,
        minPipelinedBatch: MIN_PIPELINED_BATCH,
        staleEntryMs: this.#options.staleEntryMs,
      });
      this.#sequencers.set(partition, sequencer);
      sequencer.start().then(
        () => this.#recovered('store', partition),
        (error: unknown) => {
          this.#intakeErrors++;
          this.#failed('start', partition, error);
          if (this.#sequencers.get(partition) === sequencer) void this.#handOver(partition);
        },
      );
    } catch (error) {
      this.#intakeErrors++;
      this.#failed('acquire', partition, error);
    }
  }

  /**
   * A lease on the partition whose token the store has claimed as its highest, so that every
   * older owner is fenced off before this house reads anything. A lock that lost its data (a
   * Redis restarted empty) hands out tokens the store has seen: such a lease is given back at
   * once and the lock asked for a token above the store's. Null when the key is held.
   */
  async #acquireClaimed(partition: number, ttl: number): Promise<Lease | null> {
    const key = `partition:${partition}`;
    let minToken: number | undefined;
    // Twice is enough for a lock that honours minToken; one that does not waits for the next round.
    for (let attempt = 0; attempt < 2; attempt++) {
      const lease = await this.#lock.acquire(key, this.houseId, ttl, { minToken });
      if (lease === null || this.#fencing === undefined) return lease;
      let claim: PartitionClaim;
      try {
        claim = await this.#fencing.claimPartition(partition, lease.token);
      } catch (error) {
        await this.#lock.release(lease).catch(() => false);
        throw error;
      }
      if (claim.claimed) return lease;
      await this.#lock.release(lease).catch(() => false);
      minToken = claim.highestToken + 1;
    }
    return null;
  }

  /**
   * This house alone publishes for the partition now: its broadcaster may stop hearing the
   * partition from the other processes, which would only send its own messages back.
   */
  #publishAlone(partition: number): void {
    if (!this.#sequencers.has(partition) || this.#sole.has(partition)) return;
    this.#sole.add(partition);
    this.#solePublisher?.setSolePublisher(partition, true).catch((error: unknown) => {
      this.#problem('publish', partition, error);
    });
  }

  /** Hear the partition from other processes again: its next owner publishes there. */
  async #hearOthers(partition: number): Promise<void> {
    if (!this.#sole.delete(partition)) return;
    await this.#solePublisher?.setSolePublisher(partition, false).catch((error: unknown) => {
      this.#problem('publish', partition, error);
    });
  }

  /** Give a partition up in good order: finish the batch in hand, then free the lease. */
  async #handOver(partition: number): Promise<void> {
    const sequencer = this.#sequencers.get(partition);
    if (sequencer === undefined) return;
    this.#sequencers.delete(partition);
    await this.#hearOthers(partition);
    this.#deadlines.disarm(sequencer.auctionIds());
    await sequencer.stop().catch(() => undefined);
    await this.#lock.release(sequencer.lease).catch(() => false);
  }

  /**
   * A lost partition's memory is dropped: its new owner reloads from the store. The lease is
   * given back as soon as the sequencer stopped (when still held, as after a refused commit),
   * and free partitions are looked for soon, so that the next owner, this house or another,
   * need not wait for an expiry or a renewal.
   */
  #lose(partition: number): void {
    const sequencer = this.#sequencers.get(partition);
    if (sequencer === undefined) return;
    this.#sequencers.delete(partition);
    this.#health.forget(partition);
    void this.#hearOthers(partition);
    this.#deadlines.disarm(sequencer.auctionIds());
    // Released once stopped: the sequencer first drops its queue reads, as in a hand-over.
    void sequencer
      .stop()
      .catch(() => undefined)
      .then(() => this.#lock.release(sequencer.lease))
      .catch(() => false);
    this.#claimSoon();
  }

  // ---- intake ---------------------------------------------------------------------------

  #newId(): string {
    return `${this.houseId}.${(++this.#counter).toString(36)}`;
  }

  #assertRunning(): void {
    if (this.#state === 'running') return;
    if (this.#state === 'new') throw new OutcryError('UNAVAILABLE', 'Call house.start() before sending commands.');
    throw new OutcryError('SHUTTING_DOWN', 'The auction house is stopping and takes no new commands.');
  }

  /**
   * Queue a command for its partition's sequencer; resolves with its outcome once committed.
   * A caller who would wait on a partition that is unavailable gets UNAVAILABLE at once, and
   * nothing is taken in; commands nobody waits on (`submitBid`, the scheduler's) still are.
   */
  #submit(command: AuctionCommand, commandId: string, wait: boolean, fresh = false): Promise<CommandOutcome> | null {
    const auctionId = command.type === 'create' ? command.spec.id : command.auctionId;
    const partition = this.partitions === 1 ? 0 : partitionOf(auctionId, this.partitions);
    if (wait && !this.#health.clear) {
      const now = Date.now();
      const trouble = this.#unavailable(partition, now);
      if (trouble !== null && !this.#probeDue(partition, now)) {
        return Promise.reject(unavailableRefusal(partition, trouble));
      }
    }
    let batch = this.#intake.get(partition);
    if (batch === undefined) {
      batch = [];
      this.#intake.set(partition, batch);
    }
    // The empty id marks a command no queue has seen: a sequencer takes it as it is, without a copy.
    const item: IntakeItem = fresh
      ? { command, origin: this.houseId, commandId, fresh, id: '' }
      : { command, origin: this.houseId, commandId, id: '' };
    batch.push(item);
    this.#scheduleFlush();
    if (!wait) return null;
    const deadline = this.#now + this.#options.answerTimeoutMs;
    return this.#pending.wait(commandId, this.#capabilities.queueInProcess ? item : null, deadline, partition);
  }

  /**
   * Commands taken in during one turn of the event loop go to the queue together at its end
   * (setImmediate, not a microtask): requests read in one I/O phase then share one group commit
   * and their answers leave together, instead of one commit per request.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(this.#flushNow);
  }

  readonly #flushNow = (): void => void this.#flush();

  /** Everything taken in during one tick goes to the queue in one call per partition. */
  async #flush(): Promise<void> {
    this.#flushScheduled = false;
    if (this.#intake.size === 0) return;
    const batches = [...this.#intake];
    this.#intake.clear();
    const flushing = Promise.all(
      batches.map(([partition, items]) => this.#enqueue(partition, this.#handOverLocally(partition, items))),
    ).then(() => undefined);
    this.#flushing = flushing;
    await flushing;
  }

  /** Gives the partition's sequencer, when this house runs it, what it may judge from memory; returns the rest. */
  #handOverLocally(partition: number, items: IntakeItem[]): HouseItem[] {
    if (this.#options.queueLocalCommands) return items;
    const sequencer = this.#sequencers.get(partition);
    if (sequencer === undefined) return items;
    // Closes go through the queue, behind the bids other processes queued before them.
    const closes = items.filter((item) => item.command.type === 'close');
    const local = closes.length === 0 ? items : items.filter((item) => item.command.type !== 'close');
    if (!sequencer.offer(local)) return items;
    this.#inMemory += local.length;
    return closes;
  }

  /**
   * Append commands to the partition's queue. A queue that refuses what the commands hold
   * (`STORE_REJECTED`) gets them one by one, in order, so that only those it refuses on their
   * own are refused; a queue that fails takes none of them in (UNAVAILABLE).
   */
  async #enqueue(partition: number, items: readonly HouseItem[]): Promise<void> {
    if (items.length === 0) return;
    try {
      await this.#queue.enqueue(partition, items);
      this.#queued += items.length;
      this.#recovered('queue', partition);
    } catch (error) {
      this.#intakeErrors++;
      if (commitFailureOf(error) === 'refused') {
        if (items.length > 1) {
          for (const item of items) await this.#enqueue(partition, [item]);
          return;
        }
        for (const item of items)
          this.#answer([{ entry: { ...item, id: '' }, outcome: storeRejection(item.command, error) }]);
        return;
      }
      this.#failed('enqueue', partition, error);
      this.#failItems(
        items,
        new OutcryError('UNAVAILABLE', 'The command queue is unavailable; nothing was taken in.', { cause: error }),
      );
    }
  }

  #failItems(items: readonly HouseItem[], failure: unknown): void {
    for (const item of items) {
      if (!this.#pending.settleItem(item, undefined, failure)) this.#pending.settle(item.commandId, undefined, failure);
    }
  }

  // ---- health ---------------------------------------------------------------------------

  #failed(operation: HouseOperation, partition: number | null, error: unknown): void {
    const trouble = this.#health.failed(operation, partition, error, Date.now());
    this.#emitHealth({ type: 'failure', error, ...trouble });
    this.#planAvailabilityLook(trouble.since + this.#options.unavailableAfterMs);
  }

  #recovered(dependency: HouseDependency, partition: number | null): void {
    if (this.#health.clear) return;
    const trouble = this.#health.recovered(dependency, partition);
    if (trouble === undefined) return;
    const { operation, failures, since } = trouble;
    this.#emitHealth({
      type: 'recovered',
      dependency,
      operation,
      partition,
      failures,
      failedForMs: Date.now() - since,
    });
  }

  /** A failure only counted otherwise (a lost publish, a cache write): counted, logged, and emitted. */
  #problem(operation: 'publish' | 'cache', partition: number | null, cause: unknown): void {
    if (operation === 'publish') this.#stats.publishErrors++;
    else this.#stats.cacheErrors++;
    const error: HouseError = { operation, partition, cause };
    logHouseError(this.#logger, error);
    this.#emitError(error);
  }

  /** `on('error')` listeners; what they throw is ignored, as for health listeners. */
  #emitError(error: HouseError): void {
    try {
      this.#emitter.emit('error', error);
    } catch {
      // A listener's failure must not reach the call that failed.
    }
  }

  #emitHealth(event: HealthEvent): void {
    logHealthEvent(this.#logger, event, Date.now());
    if (event.type === 'failure')
      this.#emitError({ operation: event.operation, partition: event.partition, cause: event.error });
    else if (event.type === 'refused')
      this.#emitError({ operation: 'refused', partition: event.partition, cause: event.error });
    for (const listener of this.#healthListeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not reach the sequencer that reported.
      }
    }
  }

  /** Look at the partitions' availability at `at` (real time), unless a look comes sooner. */
  #planAvailabilityLook(at: number): void {
    if (this.#availabilityTimer !== null || this.#state !== 'running') return;
    this.#availabilityTimer = setTimeout(
      () => {
        this.#availabilityTimer = null;
        this.#lookAtAvailability();
      },
      Math.max(0, at - Date.now()),
    );
    this.#availabilityTimer.unref();
  }

  /**
   * Callers waiting on partitions that are now unavailable are answered UNAVAILABLE: their
   * commands may still be judged once the store answers again (a queue keeps them), so the
   * answer says the outcome is not known, and sending the same bidId again tells it.
   */
  #lookAtAvailability(): void {
    const now = Date.now();
    this.#health.expire(now, Math.max(5_000, this.#options.leaseTtlMs));
    if (this.#health.clear) return;
    const down = new Map<number, Trouble>();
    const landedAt = this.#landedAt();
    for (let partition = 0; partition < this.partitions; partition++) {
      const trouble = this.#unavailable(partition, now, landedAt);
      if (trouble !== null) down.set(partition, trouble);
    }
    if (down.size > 0) {
      const callers = this.#pending.failPartitions((partition) => {
        const trouble = down.get(partition);
        return trouble === undefined ? undefined : unknownOutcome(partition, trouble, now);
      });
      const [first] = down.values();
      if (callers > 0 && first !== undefined)
        this.#emitHealth({ type: 'unavailable', partitions: [...down.keys()], callers, trouble: first });
    }
    // While anything fails, look again every so often: a trouble may turn into an outage.
    this.#planAvailabilityLook(now + Math.min(this.#options.unavailableAfterMs, 500));
  }

  /**
   * Whether a command for an unavailable partition may go through as a probe: one every
   * PROBE_EVERY_MS. Refusing every command would leave nothing to try the store with once it is
   * back, and the partition unavailable until its trouble expires; a probe that succeeds clears it.
   */
  #probeDue(partition: number, now: number): boolean {
    if (now - (this.#probedAt.get(partition) ?? 0) < PROBE_EVERY_MS) return false;
    this.#probedAt.set(partition, now);
    return true;
  }

  #unavailable(partition: number, now: number, landedAt = this.#landedAt()): Trouble | null {
    if (this.#health.clear) return null;
    return this.#health.unavailable(partition, this.#sequencers.has(partition), landedAt, now);
  }

  /** When a commit of this house's sequencers last landed. */
  #landedAt(): number {
    let landedAt = 0;
    for (const sequencer of this.#sequencers.values()) landedAt = Math.max(landedAt, sequencer.landedAt);
    return landedAt;
  }

  /**
   * Listen to what goes wrong underneath: failing calls (retried), their recovery, callers
   * answered UNAVAILABLE, and commands the store refused. Returns `off`. Listeners run inside
   * the house's own work: keep them short (log, count); what they throw is ignored.
   */
  onHealth(listener: (event: HealthEvent) => void): () => void {
    this.#healthListeners.add(listener);
    return () => this.#healthListeners.delete(listener);
  }

  /** Whether this house can take and judge commands now, and what is failing underneath. */
  health(): HouseHealth {
    const now = Date.now();
    this.#health.expire(now, Math.max(5_000, this.#options.leaseTtlMs));
    const troubles = this.#health.all();
    const failing = this.#health.outages(now);
    const unavailable: number[] = [];
    const landedAt = this.#landedAt();
    for (let partition = 0; partition < this.partitions; partition++) {
      if (this.#unavailable(partition, now, landedAt) !== null) unavailable.push(partition);
    }
    let consecutiveFailures = 0;
    for (const trouble of troubles)
      if (trouble.dependency === 'store') consecutiveFailures = Math.max(consecutiveFailures, trouble.failures);
    return {
      ready: this.#state === 'running' && failing.length === 0,
      state: this.#state,
      failing,
      troubles,
      partitions: {
        total: this.partitions,
        owned: [...this.#sequencers.keys()].sort((a, b) => a - b),
        unavailable,
      },
      commits: {
        consecutiveFailures,
        lastError: this.#health.lastCommitError,
        refusedCommands: this.#stats.refusedCommands,
      },
    };
  }

  /** Answers the callers in this process (other houses' callers hear through #routedOf). */
  #answer(answers: readonly Answer[]): void {
    for (const { entry, outcome } of answers) {
      if (this.#routesAway(entry)) continue;
      // A waiter riding on the entry is answered here, whichever house of this process took it.
      if (!this.#pending.settleItem(entry, outcome)) this.#pending.settle(entry.commandId, outcome);
    }
  }

  /** The outcomes that go to other houses' callers, in the batch's broadcast. */
  #routedOf(answers: readonly Answer[]): RoutedOutcome[] {
    const routed: RoutedOutcome[] = [];
    for (const { entry, outcome } of answers) {
      if (this.#routesAway(entry)) routed.push({ origin: entry.origin, commandId: entry.commandId, outcome });
    }
    return routed;
  }

  /** No waiter of this process rides on the entry, and another house took it in. */
  #routesAway(entry: HouseItem): boolean {
    return entry.local === undefined && entry.origin !== this.houseId;
  }

  /**
   * Callers past their deadline: an outcome may have been stored while its broadcast was lost
   * (the owner died between commit and publish), so the store is asked before TIMEOUT is said.
   */
  async #expireWaiters(): Promise<void> {
    const now = Date.now();
    this.#now = now;
    const timeout = (commandId: string | null) =>
      new OutcryError(
        'TIMEOUT',
        `No outcome for ${commandId ?? 'a command'} within ${this.#options.answerTimeoutMs} ms; it may still be judged.`,
      );
    this.#pending.expireAttached(now, timeout(null));
    const overdue = this.#pending.overdue(now);
    if (overdue.length === 0) return;
    const stored = await this.#store.getOutcomes(overdue).catch(() => []);
    overdue.forEach((commandId, i) => {
      const outcome = stored[i]?.outcome;
      if (outcome !== undefined) this.#pending.settle(commandId, outcome);
      else this.#pending.settle(commandId, undefined, timeout(commandId));
    });
  }

  // ---- broadcasts -----------------------------------------------------------------------

  #receive(message: BroadcastMessage): void {
    this.#broadcastsReceived++;
    if (message.snapshots.length > 0 && !this.#capabilities.cacheShared && message.origin !== this.houseId) {
      this.#cache
        .setMany(message.snapshots)
        .catch((error: unknown) => this.#problem('cache', message.partition, error));
    }
    for (const routed of message.outcomes) {
      if (routed.origin === this.houseId) this.#pending.settle(routed.commandId, routed.outcome);
    }
    for (const event of message.events) {
      this.#emitter.emit(event.type, event);
      const listeners = this.#subscribers.get(event.auctionId);
      if (listeners !== undefined) for (const listener of listeners) listener(event);
    }
  }

  /**
   * Listen to one kind of event of every auction, from every process, or to `error`: a failure
   * underneath (the same the logger writes), with its cause. Returns `off`.
   */
  on(type: 'error', listener: (error: HouseError) => void): () => void;
  on<T extends AuctionEventType>(type: T, listener: (event: Extract<AuctionEvent, { type: T }>) => void): () => void;
  on(type: string, listener: (value: HouseError & AuctionEvent) => void): () => void {
    this.#emitter.on(type, listener);
    return () => this.#emitter.off(type, listener);
  }

  off(type: 'error', listener: (error: HouseError) => void): void;
  off<T extends AuctionEventType>(type: T, listener: (event: Extract<AuctionEvent, { type: T }>) => void): void;
  off(type: string, listener: (value: HouseError & AuctionEvent) => void): void {
    this.#emitter.off(type, listener);
  }

  /** Every event of one auction, in seq order. Returns the unsubscribe. */
  subscribe(auctionId: string, listener: Listener): () => void {
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

  // ---- scheduling -----------------------------------------------------------------------

  #arm(auctionId: string, at: number): void {
    this.#deadlines.arm(auctionId, at);
    this.#planLook();
  }

  /** One timer for all deadlines: it wakes at the earliest, and at least every 100 ms for fake clocks. */
  #planLook(): void {
    if (this.#state !== 'running' || this.#deadlines.size === 0) return;
    const wait = Math.max(0, Math.min(SCHEDULER_LOOK_MS, this.#deadlines.peek() - this.#clock.now()));
    const at = Date.now() + wait;
    if (this.#schedulerTimer !== null && this.#schedulerAt <= at) return;
    if (this.#schedulerTimer !== null) clearTimeout(this.#schedulerTimer);
    this.#schedulerAt = at;
    this.#schedulerTimer = setTimeout(() => this.#look(), wait);
    // No timer of a house keeps the process alive: a script that never stops its house still ends.
    this.#schedulerTimer.unref();
  }

  #look(): void {
    this.#schedulerTimer = null;
    this.#schedulerAt = Number.POSITIVE_INFINITY;
    if (this.#state !== 'running') return;
    const now = this.#clock.now();
    for (const auctionId of this.#deadlines.popDue(now)) {
      const sequencer = this.#sequencers.get(partitionOf(auctionId, this.partitions));
      const state = sequencer?.stateOf(auctionId);
      if (state === undefined) continue;
      if (state.status === 'scheduled') {
        if (now >= state.spec.startsAt)
          this.#submit({ type: 'open', auctionId, receivedAt: now }, this.#newId(), false);
        this.#deadlines.arm(auctionId, now >= state.spec.startsAt ? state.endsAt : state.spec.startsAt);
      } else if (state.status === 'open') {
        const closeAt = state.endsAt + this.#options.closeGraceMs;
        if (now >= closeAt) this.#submit({ type: 'close', auctionId, receivedAt: now }, this.#newId(), false);
        else this.#deadlines.arm(auctionId, closeAt);
      }
    }
    this.#planLook();
  }

  // ---- commands -------------------------------------------------------------------------

  /** Create an auction; the seller is `sellerId`. Throws OutcryError INVALID_INPUT or AUCTION_EXISTS. */
  async createAuction(input: CreateAuctionInput): Promise<PublicAuction> {
    this.#assertRunning();
    const parsed = parseInput(createAuctionInputSchema, input, 'INVALID_INPUT', 'auction');
    const now = this.#clock.now();
    if (parsed.endsAt <= now) {
      throw new OutcryError('INVALID_INPUT', 'Invalid auction: endsAt must be in the future.', {
        details: [{ path: 'endsAt', message: 'must be in the future' }],
      });
    }
    const spec = buildAuctionSpec(parsed, parsed.id ?? `a-${randomUUID()}`, now);
    const outcome = await (this.#submit(
      { type: 'create', spec, receivedAt: now },
      this.#newId(),
      true,
    ) as Promise<CommandOutcome>);
    return this.#lifecycleResult(outcome);
  }

  #lifecycleResult(outcome: CommandOutcome): PublicAuction {
    if (outcome.status === 'accepted' && 'auction' in outcome) return outcome.auction;
    if (outcome.status === 'rejected') throw new OutcryError(outcome.code, outcome.message);
    throw new OutcryError('UNAVAILABLE', 'Unexpected outcome.');
  }

  /**
   * Place a bid: the bidder's maximum, bid by proxy. Invalid input is rejected INVALID_BID, never
   * thrown. Not an async function on purpose: one promise per bid, not two, on the hot path.
   */
  placeBid(input: PlaceBidInput): Promise<BidOutcome> {
    try {
      this.#assertRunning();
    } catch (error) {
      return Promise.reject(error);
    }
    let bid: PlaceBidInput;
    if (isWellFormedBid(input)) bid = input;
    else {
      const parsed = placeBidInputSchema.safeParse(input);
      if (!parsed.success) return Promise.resolve(this.#invalidBid(input, describeIssues(parsed.error)));
      bid = parsed.data;
    }
    const bidId = bid.bidId ?? this.#newId();
    const command: AuctionCommand = {
      type: 'bid',
      auctionId: bid.auctionId,
      bidId,
      bidderId: bid.bidderId,
      amount: bid.amount,
      receivedAt: this.#clock.now(),
    };
    return this.#submit(command, bidId, true, bid.bidId === undefined) as Promise<BidOutcome>;
  }

  /** Take a bid without waiting for its outcome; read it later with `getBidOutcome`. */
  async submitBid(input: PlaceBidInput): Promise<{ bidId: string }> {
    this.#assertRunning();
    const bid = parseInput(placeBidInputSchema, input, 'INVALID_BID', 'bid');
    const bidId = bid.bidId ?? this.#newId();
    const command: AuctionCommand = {
      type: 'bid',
      auctionId: bid.auctionId,
      bidId,
      bidderId: bid.bidderId,
      amount: bid.amount,
      receivedAt: this.#clock.now(),
    };
    this.#submit(command, bidId, false);
    await this.#flush();
    await this.#flushing;
    return { bidId };
  }

  /** The outcome of a bid once judged, or null while it waits (or when the bidId is unknown). */
  async getBidOutcome(bidId: string): Promise<BidOutcome | null> {
    if (!isOpaqueId(bidId)) return null;
    const [stored] = await this.#store.getOutcomes([bidId]);
    return stored?.outcome ?? null;
  }

  /** Buy now at the buy-now price, while it is available. */
  async buyNow(input: BuyNowInput): Promise<BidOutcome> {
    this.#assertRunning();
    const parsed = buyNowInputSchema.safeParse(input);
    if (!parsed.success) return this.#invalidBid(input, describeIssues(parsed.error));
    const bidId = parsed.data.bidId ?? this.#newId();
    const command: AuctionCommand = {
      type: 'buy-now',
      auctionId: parsed.data.auctionId,
      bidId,
      bidderId: parsed.data.bidderId,
      receivedAt: this.#clock.now(),
    };
    return (await this.#submit(command, bidId, true)) as BidOutcome;
  }

  #invalidBid(input: unknown, details: unknown): BidRejected {
    const record = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
    const first = (details as Array<{ path: string; message: string }>)[0];
    return {
      status: 'rejected',
      bidId: typeof record.bidId === 'string' ? record.bidId : '',
      auctionId: typeof record.auctionId === 'string' ? record.auctionId : '',
      code: 'INVALID_BID',
      message: first === undefined ? 'Invalid bid.' : `Invalid bid: ${first.path || 'input'} ${first.message}`,
      details,
    };
  }

  /** Cancel an auction that has not ended. Who may cancel is the caller's decision (seller or admin). */
  async cancelAuction(auctionId: string, input: CancelAuctionInput): Promise<PublicAuction> {
    this.#assertRunning();
    const { by, reason } = parseInput(cancelAuctionInputSchema, input, 'INVALID_INPUT', 'cancellation');
    // Checked before it reaches a sequencer: an id a store refuses would hold up the partition.
    if (!isAuctionId(auctionId)) {
      throw new OutcryError('INVALID_INPUT', 'Invalid cancellation: auctionId is not an auction id.', {
        details: [{ path: 'auctionId', message: 'may hold 1 to 128 ASCII letters, digits and _ . : @ - only' }],
      });
    }
    const command: AuctionCommand = {
      type: 'cancel',
      auctionId,
      by,
      reason: reason ?? null,
      receivedAt: this.#clock.now(),
    };
    const outcome = await (this.#submit(command, this.#newId(), true) as Promise<CommandOutcome>);
    return this.#lifecycleResult(outcome);
  }

  // ---- reads ----------------------------------------------------------------------------

  /** The public view of an auction, or null. Served from the snapshot cache when it can. */
  async getAuction(auctionId: string): Promise<PublicAuction | null> {
    const [auction] = await this.getAuctions([auctionId]);
    return auction ?? null;
  }

  /** Public views in the same order, null for missing: one cache read and one store read at most. */
  async getAuctions(auctionIds: readonly string[]): Promise<(PublicAuction | null)[]> {
    const cached = await this.#cache.getMany(auctionIds);
    const missing: string[] = [];
    cached.forEach((auction, i) => {
      // An id no auction can have is not looked up: a store may refuse it as a query.
      if (auction === undefined && isAuctionId(auctionIds[i])) missing.push(auctionIds[i] as string);
    });
    if (missing.length === 0) return cached.map((auction) => auction ?? null);
    const loaded = await this.#store.getMany(missing);
    const found = new Map<string, PublicAuction>();
    for (const state of loaded) if (state !== null) found.set(state.spec.id, toPublicAuction(state));
    if (found.size > 0) await this.#cache.setMany([...found.values()]);
    return cached.map((auction, i) => auction ?? found.get(auctionIds[i] as string) ?? null);
  }

  /** Auctions newest first, optionally of one status, with a keyset cursor. */
  async listAuctions(input: ListAuctionsInput = {}): Promise<{ items: PublicAuction[]; nextCursor: string | null }> {
    const query = parseInput(listAuctionsInputSchema, input, 'INVALID_INPUT', 'list query');
    const page = await this.#store.list(query);
    return { items: page.items.map(toPublicAuction), nextCursor: page.nextCursor };
  }

  /** The public bid history: who bid and where the price went, never the maxima. */
  async getBids(auctionId: string, input: GetBidsInput = {}): Promise<{ items: PublicBid[] }> {
    const query = parseInput(getBidsInputSchema, input, 'INVALID_INPUT', 'bid history query');
    if (!isAuctionId(auctionId)) return { items: [] };
    const entries = await this.#store.getBids(auctionId, query);
    return { items: entries.map(toPublicBid) };
  }

  /** Figures of one auction, or null when it does not exist. */
  async getStats(auctionId: string): Promise<AuctionStats | null> {
    const auction = await this.getAuction(auctionId);
    if (auction === null) return null;
    const bidders = new Set<string>();
    for (let afterSeq = 0; ; ) {
      const page = await this.#store.getBids(auctionId, { afterSeq, limit: 1_000 });
      for (const entry of page) bidders.add(toPublicBid(entry).bidderId);
      const last = page.at(-1);
      if (last === undefined || page.length < 1_000) break;
      afterSeq = last.seq;
    }
    const priceIncrease = auction.bidCount === 0 ? 0 : auction.price - auction.startingPrice;
    const live = auction.status === 'open' || auction.status === 'scheduled';
    return {
      bidCount: auction.bidCount,
      uniqueBidders: bidders.size,
      startingPrice: auction.startingPrice,
      price: auction.price,
      priceIncrease,
      priceIncreasePct:
        auction.startingPrice === 0 ? null : Math.round((priceIncrease / auction.startingPrice) * 10_000) / 100,
      extensions: auction.extensions,
      timeLeftMs: live ? Math.max(0, auction.endsAt - this.#clock.now()) : 0,
    };
  }

  /** Fill the cache with the given auctions (or the newest open ones). Returns how many were loaded. */
  async warmCache(auctionIds?: readonly string[]): Promise<number> {
    if (auctionIds !== undefined) {
      const states = await this.#store.getMany(auctionIds);
      const views = states.filter((s) => s !== null).map(toPublicAuction);
      await this.#cache.setMany(views);
      return views.length;
    }
    const page = await this.#store.list({ status: 'open', limit: 500 });
    await this.#cache.setMany(page.items.map(toPublicAuction));
    return page.items.length;
  }

  async clearCache(): Promise<void> {
    await this.#cache.clear();
  }

  /** The ledger of one auction: every change in seq order; `replayCommands` rebuilds the state from it. */
  async getLedger(auctionId: string, query: { afterSeq?: number; limit?: number } = {}): Promise<LedgerEntry[]> {
    if (!isAuctionId(auctionId)) return [];
    return this.#store.getLedger(auctionId, { afterSeq: query.afterSeq ?? 0, limit: query.limit ?? 1_000 });
  }

  /** Figures of this process: cache, queue, sequencers, broadcasts, scheduler. */
  metrics(): HouseMetrics {
    let intake = 0;
    for (const items of this.#intake.values()) intake += items.length;
    const s = this.#stats;
    return {
      houseId: this.houseId,
      state: this.#state,
      partitions: { total: this.partitions, owned: [...this.#sequencers.keys()].sort((a, b) => a - b) },
      cache: this.#cache.stats(),
      queue: {
        intake,
        waitingCallers: this.#pending.size,
        intakeErrors: this.#intakeErrors,
        inMemory: this.#inMemory,
        queued: this.#queued,
      },
      sequencer: {
        batches: s.batches,
        commands: s.commands,
        averageBatch: s.batches === 0 ? 0 : s.commands / s.batches,
        maxBatch: s.maxBatch,
        commitErrors: s.commitErrors,
        refusedCommands: s.refusedCommands,
        queueErrors: s.queueErrors,
        auctionsInMemory: [...this.#sequencers.values()].reduce((sum, sequencer) => sum + sequencer.auctionCount, 0),
      },
      broadcaster: { received: this.#broadcastsReceived, publishErrors: s.publishErrors },
      cacheErrors: s.cacheErrors,
      scheduler: { deadlines: this.#deadlines.size },
    };
  }
}

function toPublicBid(entry: LedgerEntry): PublicBid {
  const command = entry.command;
  if (command.type !== 'bid' && command.type !== 'buy-now') throw new OutcryError('UNAVAILABLE', 'Not a bid entry.');
  return {
    seq: entry.seq,
    bidId: command.bidId,
    bidderId: command.bidderId,
    price: entry.price,
    leaderId: entry.leaderId,
    at: command.receivedAt,
    buyNow: command.type === 'buy-now',
  };
}

/** An AuctionHouse on the given backend; with none, entirely in memory. Call `start()` next. */
export function createAuctionHouse(options: AuctionHouseOptions = {}): AuctionHouse {
  return new AuctionHouse(options);
}
