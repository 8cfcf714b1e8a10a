import { randomUUID } from 'node:crypto';
import { buildAuctionSpec } from '../engine/auction-spec.js';
import type {
  AuctionCommand,
  AuctionEvent,
  AuctionEventType,
  BidOutcome,
  CommandOutcome,
  PublicAuction,
} from '../engine/types.js';
import { OutcryError } from '../errors.js';
import type { LedgerEntry } from '../ports/auction-store.js';
import type { Backend } from '../ports/backend.js';
import type { Clock } from '../ports/clock.js';
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
  type ListAuctionsInput,
  type PlaceBidInput,
  placeBidInputSchema,
} from '../schemas/input-schemas.js';
import { describeIssues, parseInput } from '../schemas/parse-input.js';
import { assembleHouse, type HouseParts, metricsOf } from './assemble-house.js';
import { invalidBid, lifecycleResult } from './command-results.js';
import type { CommandRouter } from './command-router.js';
import type { AuctionListener, Unsubscribe } from './event-hub.js';
import { type AuctionHouseOptions, resolveHouseOptions } from './house-options.js';
import type { AuctionStats, HealthEvent, HouseError, HouseHealth, HouseMetrics, PublicBid } from './house-types.js';

/**
 * The AuctionHouse: the calls of an application, over collaborators with one job each:
 * partition ownership, command routing, the deadline scheduler, the event hub, health and reads.
 * Create one with `createAuctionHouse`.
 */
export class AuctionHouse {
  readonly houseId: string;
  readonly partitions: number;
  readonly #backend: Backend;
  readonly #clock: Clock;
  readonly #parts: HouseParts;
  readonly #router: CommandRouter;
  #starting: Promise<void> | null = null;
  #unsubscribe: (() => Promise<void>) | null = null;

  constructor(options: AuctionHouseOptions = {}) {
    const settings = resolveHouseOptions(options, () => `h-${randomUUID().slice(0, 8)}`);
    this.houseId = settings.houseId;
    this.partitions = settings.partitions;
    this.#backend = settings.backend;
    this.#clock = settings.clock;
    this.#parts = assembleHouse(settings);
    this.#router = this.#parts.router;
  }

  /** Subscribe to broadcasts, take the partitions whose leases are free, start sequencing. Idempotent. */
  start(): Promise<void> {
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    await this.#backend.store.checkPartitionCount(this.partitions);
    const { events, lifecycle, ownership, router } = this.#parts;
    this.#unsubscribe = await this.#backend.broadcaster.receiveAnswers(this.houseId, (outcomes) =>
      router.receive(outcomes),
    );
    await events.open();
    lifecycle.state = 'running';
    await ownership.start();
    this.#router.start();
  }

  /** Stop taking commands, answer every caller already waiting, then release the partitions. */
  async stop(): Promise<void> {
    const { lifecycle, pending, settings, scheduler, health, ownership } = this.#parts;
    if (lifecycle.state === 'stopped' || lifecycle.state === 'stopping') return;
    if (lifecycle.state === 'new') {
      lifecycle.state = 'stopped';
      return;
    }
    lifecycle.state = 'stopping';
    await this.#router.flush();
    const deadline = Date.now() + Math.min(settings.answerTimeoutMs, 10_000);
    while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    // Bids still waiting to be judged here go to their owners' queues before the owners stop.
    await this.#parts.landing?.stop();
    this.#router.stop();
    scheduler.stop();
    health.stop();
    await ownership.stop();
    await this.#unsubscribe?.();
    await this.#parts.events.close();
    pending.failAll(new OutcryError('SHUTTING_DOWN', 'The auction house stopped before this command was judged.'));
    lifecycle.state = 'stopped';
  }

  #assertRunning(): void {
    const { state } = this.#parts.lifecycle;
    if (state === 'running') return;
    if (state === 'new') throw new OutcryError('UNAVAILABLE', 'Call house.start() before sending commands.');
    throw new OutcryError('SHUTTING_DOWN', 'The auction house is stopping and takes no new commands.');
  }

  #submit(command: AuctionCommand, commandId: string, fresh = false): Promise<CommandOutcome> {
    return this.#router.submit(command, commandId, true, fresh) as Promise<CommandOutcome>;
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
    return lifecycleResult(await this.#submit({ type: 'create', spec, receivedAt: now }, this.#router.newId()));
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
      if (!parsed.success) return Promise.resolve(invalidBid(input, describeIssues(parsed.error)));
      bid = parsed.data;
    }
    const bidId = bid.bidId ?? this.#router.newId();
    const command: AuctionCommand = {
      type: 'bid',
      auctionId: bid.auctionId,
      bidId,
      bidderId: bid.bidderId,
      amount: bid.amount,
      receivedAt: this.#clock.now(),
    };
    return this.#submit(command, bidId, bid.bidId === undefined) as Promise<BidOutcome>;
  }

  /** Take a bid without waiting for its outcome; read it later with `getBidOutcome`. */
  async submitBid(input: PlaceBidInput): Promise<{ bidId: string }> {
    this.#assertRunning();
    const bid = parseInput(placeBidInputSchema, input, 'INVALID_BID', 'bid');
    const bidId = bid.bidId ?? this.#router.newId();
    const command: AuctionCommand = {
      type: 'bid',
      auctionId: bid.auctionId,
      bidId,
      bidderId: bid.bidderId,
      amount: bid.amount,
      receivedAt: this.#clock.now(),
    };
    this.#router.submit(command, bidId, false);
    await this.#router.flush();
    return { bidId };
  }

  /** The outcome of a bid once judged, or null while it waits (or when the bidId is unknown). */
  getBidOutcome(bidId: string): Promise<BidOutcome | null> {
    return this.#parts.reads.getBidOutcome(bidId);
  }

  /** Buy now at the buy-now price, while it is available. */
  async buyNow(input: BuyNowInput): Promise<BidOutcome> {
    this.#assertRunning();
    const parsed = buyNowInputSchema.safeParse(input);
    if (!parsed.success) return invalidBid(input, describeIssues(parsed.error));
    const bidId = parsed.data.bidId ?? this.#router.newId();
    const command: AuctionCommand = {
      type: 'buy-now',
      auctionId: parsed.data.auctionId,
      bidId,
      bidderId: parsed.data.bidderId,
      receivedAt: this.#clock.now(),
    };
    return (await this.#submit(command, bidId)) as BidOutcome;
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
    return lifecycleResult(await this.#submit(command, this.#router.newId()));
  }

  // ---- reads ----------------------------------------------------------------------------

  /** The public view of an auction, or null. Served from the snapshot cache when it can. */
  async getAuction(auctionId: string): Promise<PublicAuction | null> {
    const [auction] = await this.#parts.reads.getAuctions([auctionId]);
    return auction ?? null;
  }

  /** Public views in the same order, null for missing: one cache read and one store read at most. */
  getAuctions(auctionIds: readonly string[]): Promise<(PublicAuction | null)[]> {
    return this.#parts.reads.getAuctions(auctionIds);
  }

  /** Auctions newest first, optionally of one status, with a keyset cursor. */
  listAuctions(input: ListAuctionsInput = {}): Promise<{ items: PublicAuction[]; nextCursor: string | null }> {
    return this.#parts.reads.listAuctions(input);
  }

  /** The public bid history: who bid and where the price went, never the maxima. */
  getBids(auctionId: string, input: GetBidsInput = {}): Promise<{ items: PublicBid[] }> {
    return this.#parts.reads.getBids(auctionId, input);
  }

  /** Figures of one auction, or null when it does not exist. */
  getStats(auctionId: string): Promise<AuctionStats | null> {
    return this.#parts.reads.getStats(auctionId);
  }

  /** Fill the cache with the given auctions (or the newest open ones). Returns how many were loaded. */
  warmCache(auctionIds?: readonly string[]): Promise<number> {
    return this.#parts.reads.warmCache(auctionIds);
  }

  clearCache(): Promise<void> {
    return this.#parts.reads.clearCache();
  }

  /** The ledger of one auction: every change in seq order; `replayCommands` rebuilds the state from it. */
  getLedger(auctionId: string, query: { afterSeq?: number; limit?: number } = {}): Promise<LedgerEntry[]> {
    return this.#parts.reads.getLedger(auctionId, query);
  }

  // ---- events, health and metrics -------------------------------------------------------

  /**
   * Listen to one kind of event of every auction, from every process, or to `error`: a failure
   * underneath (the same the logger writes), with its cause. Returns `off`, whose `ready`
   * resolves once events of every process reach the listener. While any such listener is
   * registered the house receives every partition's broadcasts; without one, only those of
   * auctions with a `subscribe` listener.
   */
  on(type: 'error', listener: (error: HouseError) => void): Unsubscribe;
  on<T extends AuctionEventType>(type: T, listener: (event: Extract<AuctionEvent, { type: T }>) => void): Unsubscribe;
  on(type: string, listener: (value: HouseError & AuctionEvent) => void): Unsubscribe {
    return this.#parts.events.on(type, listener);
  }

  off(type: 'error', listener: (error: HouseError) => void): void;
  off<T extends AuctionEventType>(type: T, listener: (event: Extract<AuctionEvent, { type: T }>) => void): void;
  off(type: string, listener: (value: HouseError & AuctionEvent) => void): void {
    this.#parts.events.off(type, listener);
  }

  /**
   * Every event of one auction, in seq order. Returns the unsubscribe, whose `ready` resolves
   * once events of every process reach the listener (the house starts receiving the broadcasts
   * of the auction's partition with its first listener; a view read after `ready` is followed
   * by every later event).
   */
  subscribe(auctionId: string, listener: AuctionListener): Unsubscribe {
    return this.#parts.events.subscribe(auctionId, listener);
  }

  /**
   * Listen to what goes wrong underneath: failing calls (retried), their recovery, callers
   * answered UNAVAILABLE, and commands the store refused. Returns `off`. Listeners run inside
   * the house's own work: keep them short (log, count); what they throw is ignored.
   */
  onHealth(listener: (event: HealthEvent) => void): () => void {
    return this.#parts.events.onHealth(listener);
  }

  /** Whether this house can take and judge commands now, and what is failing underneath. */
  health(): HouseHealth {
    return this.#parts.health.health();
  }

  /** Figures of this process: cache, queue, sequencers, broadcasts, scheduler. */
  metrics(): HouseMetrics {
    return metricsOf(this.#parts);
  }
}

/** An AuctionHouse on the given backend; with none, entirely in memory. Call `start()` next. */
export function createAuctionHouse(options: AuctionHouseOptions = {}): AuctionHouse {
  return new AuctionHouse(options);
}
