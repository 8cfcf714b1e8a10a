import { applyCommand } from '../../engine/apply-command.js';
import { buildAuctionSpec } from '../../engine/auction-spec.js';
import { fingerprintBid } from '../../engine/idempotency.js';
import { toPublicAuction } from '../../engine/public-view.js';
import type { AuctionCommand, AuctionEvent, AuctionState, PlaceBidCommand, PublicAuction } from '../../engine/types.js';
import { partitionOf } from '../../house/partition-of.js';
import type { CommitBatch, LedgerEntry, StoredOutcome } from '../../ports/auction-store.js';
import type { QueueItem } from '../../ports/bid-queue.js';
import type { BroadcastMessage, RoutedOutcome } from '../../ports/broadcaster.js';

const runTag = Math.random().toString(36).slice(2, 8);
const partitionBase = Math.floor(Math.random() * 1_000_000_000);
let counter = 0;

/** An id that no other test, of this run or of a concurrent one, uses: adapters may share one server. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${runTag}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A partition number that no other test uses (it stays below 2^31 for integer columns). */
export function uniquePartition(): number {
  counter += 1;
  return partitionBase + counter;
}

/** How a store contract gets a test's partitions and auctions in them. */
export interface AuctionsOfPartitions {
  /** A partition for one test. */
  readonly newPartition: () => number;
  /** A new auction that belongs to `partition`. */
  readonly auctionIn: (partition: number, options?: ScriptedAuctionOptions) => ScriptedAuction;
}

/**
 * Partitions and auctions for a store contract: each auction's id is one whose
 * `partitionOf(id, partitions)` is the partition it is committed into (the given id, or a fresh
 * one, with `-<n>` appended), and partitions are taken in turn from 0..partitions-1.
 */
export function auctionsOfPartitions(partitions: number): AuctionsOfPartitions {
  let next = 0;
  return {
    newPartition: () => next++ % partitions,
    auctionIn(partition, auctionOptions = {}) {
      if (!(Number.isInteger(partition) && partition >= 0 && partition < partitions))
        throw new Error(`Partition ${partition} is outside 0..${partitions - 1}.`);
      const base = auctionOptions.id ?? uniqueId('auction');
      let id = base;
      for (let n = 0; partitionOf(id, partitions) !== partition; n++) id = `${base}-${n}`;
      return ScriptedAuction.create({ ...auctionOptions, id });
    },
  };
}

const HOUR = 3_600_000;
/** Commands of a scripted auction are this far apart, all well before its end. */
const STEP_MS = 1_000;

export interface ScriptedAuctionOptions {
  readonly id?: string;
  /** Also the instant of the create command; `Date.now()` by default. */
  readonly createdAt?: number;
  /** Starts an hour after creation, so the auction is `scheduled` at first. */
  readonly scheduled?: boolean;
  readonly buyNowPrice?: number;
  /** 'Contract test lot' by default. */
  readonly title?: string;
}

/** What applying one command produced: what a sequencer would put in a CommitBatch. */
export interface ScriptStep {
  readonly state: AuctionState;
  /** The ledger entry, or null when the command changed nothing (a rejected bid). */
  readonly entry: LedgerEntry | null;
  /** The stored outcome of a bid or buy-now; null for lifecycle commands. */
  readonly outcome: StoredOutcome | null;
  readonly events: readonly AuctionEvent[];
}

/**
 * One auction driven through the real engine: starting price 1,000 and a fixed increment of
 * 100, so a test can tell which bids are accepted. It remembers the steps not committed yet.
 */
export class ScriptedAuction {
  #state: AuctionState;
  #pending: ScriptStep[];
  #nextAt: number;

  private constructor(state: AuctionState, pending: ScriptStep[], nextAt: number) {
    this.#state = state;
    this.#pending = pending;
    this.#nextAt = nextAt;
  }

  /** A new auction whose create command is the first pending step. */
  static create(options: ScriptedAuctionOptions = {}): ScriptedAuction {
    const createdAt = options.createdAt ?? Date.now();
    const startsAt = options.scheduled === true ? createdAt + HOUR : createdAt;
    const input = {
      sellerId: uniqueId('seller'),
      title: options.title ?? 'Contract test lot',
      currency: 'USD',
      startingPrice: 1_000,
      increment: { type: 'fixed', amount: 100 } as const,
      startsAt,
      endsAt: startsAt + HOUR,
      metadata: { lot: 7, tags: ['contract'] },
      ...(options.buyNowPrice === undefined ? {} : { buyNowPrice: options.buyNowPrice }),
    };
    const spec = buildAuctionSpec(input, options.id ?? uniqueId('auction'), createdAt);
    const decision = applyCommand(null, { type: 'create', spec, receivedAt: createdAt });
    if (decision.state === null) throw new Error('The engine refused to create a fixture auction.');
    const auction = new ScriptedAuction(decision.state, [], startsAt + STEP_MS);
    auction.#pending.push({
      state: decision.state,
      entry: entryOf(decision.state, { type: 'create', spec, receivedAt: createdAt }),
      outcome: null,
      events: decision.events,
    });
    return auction;
  }

  get id(): string {
    return this.#state.spec.id;
  }

  /** The state after every step so far. */
  get state(): AuctionState {
    return this.#state;
  }

  /** A bid of `amount` (a maximum) by `bidderId`, judged by the engine. */
  bid(bidderId: string, amount: number, bidId: string = uniqueId('bid')): ScriptStep {
    return this.#apply({ type: 'bid', auctionId: this.id, bidId, bidderId, amount, receivedAt: this.#tick() });
  }

  buyNow(bidderId: string, bidId: string = uniqueId('bid')): ScriptStep {
    return this.#apply({ type: 'buy-now', auctionId: this.id, bidId, bidderId, receivedAt: this.#tick() });
  }

  /** Closes at the auction's end. */
  close(): ScriptStep {
    return this.#apply({ type: 'close', auctionId: this.id, receivedAt: this.#state.endsAt });
  }

  cancel(): ScriptStep {
    return this.#apply({
      type: 'cancel',
      auctionId: this.id,
      by: this.#state.spec.sellerId,
      reason: null,
      receivedAt: this.#tick(),
    });
  }

  /** Another writer's copy of this auction as it stands now, with nothing pending: a stale owner to be. */
  fork(): ScriptedAuction {
    return new ScriptedAuction(this.#state, [], this.#nextAt);
  }

  /** The steps since the last call, forgotten here: they are about to be committed. */
  takePending(): ScriptStep[] {
    const steps = this.#pending;
    this.#pending = [];
    return steps;
  }

  #tick(): number {
    const at = this.#nextAt;
    this.#nextAt += STEP_MS;
    return at;
  }

  #apply(command: Exclude<AuctionCommand, { type: 'create' }>): ScriptStep {
    const decision = applyCommand(this.#state, command);
    const state = decision.state ?? this.#state;
    const result = decision.outcome;
    const outcome: StoredOutcome | null =
      (command.type === 'bid' || command.type === 'buy-now') && 'bidId' in result
        ? {
            bidId: command.bidId,
            auctionId: this.id,
            bidderId: command.bidderId,
            fingerprint: fingerprintBid(command),
            outcome: result,
          }
        : null;
    const step: ScriptStep = {
      state,
      entry: decision.changed ? entryOf(state, command) : null,
      outcome,
      events: decision.events,
    };
    this.#state = state;
    this.#pending.push(step);
    return step;
  }
}

function entryOf(state: AuctionState, command: AuctionCommand): LedgerEntry {
  return { auctionId: state.spec.id, seq: state.seq, command, price: state.price, leaderId: state.leaderId };
}

/** The batch a sequencer would commit for these steps: the last state per auction, every entry and outcome. */
export function batchOfSteps(partition: number, fencingToken: number, steps: readonly ScriptStep[]): CommitBatch {
  const latest = new Map<string, AuctionState>();
  for (const step of steps) latest.set(step.state.spec.id, step.state);
  return {
    partition,
    fencingToken,
    states: [...latest.values()],
    entries: steps.flatMap((step) => (step.entry === null ? [] : [step.entry])),
    outcomes: steps.flatMap((step) => (step.outcome === null ? [] : [step.outcome])),
    freshBidIds: new Set(),
    broadcast: null,
  };
}

/** The batch of everything the auctions did since their last commit. */
export function commitBatchOf(
  partition: number,
  fencingToken: number,
  auctions: readonly ScriptedAuction[],
): CommitBatch {
  return batchOfSteps(
    partition,
    fencingToken,
    auctions.flatMap((auction) => auction.takePending()),
  );
}

/** A public snapshot of a fresh auction, claiming to be at `seq`. */
export function snapshotAt(id: string, seq: number): PublicAuction {
  return { ...toPublicAuction(ScriptedAuction.create({ id }).state), seq };
}

/** A queue item: a bid command with a unique bidId, marked with `amount` so tests can tell items apart. */
export function queueItem(amount: number, origin = 'house-a'): QueueItem {
  const command: PlaceBidCommand = {
    type: 'bid',
    auctionId: uniqueId('auction'),
    bidId: uniqueId('bid'),
    bidderId: 'bidder-a',
    amount,
    receivedAt: Date.now(),
  };
  return { command, origin, commandId: command.bidId };
}

/** A realistic broadcast message of one accepted bid on a fresh auction, unique per call. */
export function broadcastMessage(partition: number): BroadcastMessage {
  const auction = ScriptedAuction.create();
  const step = auction.bid('bidder-a', 1_500);
  if (step.outcome === null) throw new Error('A bid step always has an outcome.');
  return {
    partition,
    events: step.events,
    snapshots: [toPublicAuction(step.state)],
  };
}

/** Realistic answers to one house: an accepted bid's outcome and a lifecycle outcome, unique per call. */
export function routedAnswers(): RoutedOutcome[] {
  const auction = ScriptedAuction.create();
  const step = auction.bid('bidder-a', 1_500);
  if (step.outcome === null) throw new Error('A bid step always has an outcome.');
  return [
    { commandId: uniqueId('command'), outcome: step.outcome.outcome },
    { commandId: uniqueId('command'), outcome: { status: 'accepted', auction: toPublicAuction(step.state) } },
  ];
}
