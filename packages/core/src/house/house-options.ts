import { OutcryError } from '../errors.js';
import { createMemoryBackend } from '../memory/memory-backend.js';
import type { Backend } from '../ports/backend.js';
import { type Clock, systemClock } from '../ports/clock.js';
import { type HouseLogger, isHouseLogger, silentLogger } from './house-logger.js';
import { assertPartitionCount, DEFAULT_SHARED_PARTITIONS } from './partition-of.js';

/** Options of `createAuctionHouse`; all optional. With no `backend`, everything is in memory. */
export interface AuctionHouseOptions {
  /**
   * The ports the house runs on, with their capabilities: `createRedisAdapters(...)`,
   * `createPostgresAdapters(...)`, `composeBackend(...)` or `createMemoryBackend()` (the default).
   * The house never closes it: stop the house, then close the backend.
   */
  backend?: Backend;
  clock?: Clock;
  /**
   * Sequencer partitions: the backend's count when it has one, else 4 (`DEFAULT_SHARED_PARTITIONS`),
   * or 1 with no backend (all in memory). Every house sharing a backend must use the same number.
   */
  partitions?: number;
  /** At most this many commands per group commit (1,024). */
  maxBatch?: number;
  /** Lease time of a partition (10 s); renewed every third of it. */
  leaseTtlMs?: number;
  /** A caller gets TIMEOUT when no outcome comes within this time (30 s). */
  answerTimeoutMs?: number;
  /** BidIds each partition remembers without a store read (20,000); older ones are looked up in the store. */
  recentBids?: number;
  /** This house's id in leases and queues; random by default. */
  houseId?: string;
  /**
   * Close an auction this long after its end (0). With several processes, a bid stamped just
   * before the end by another process may still be on its way to the queue: a grace of a few
   * hundred ms lets it reach the sequencer before the close does.
   */
  closeGraceMs?: number;
  /**
   * Send commands for partitions this house owns through the queue too (false). By default
   * they go to the sequencer in memory: caller and writer share the process, so the queue's
   * round trips buy nothing there. Commands for other houses' partitions, and closes, always
   * go through the queue. Set it to exercise a queue with a single house.
   */
  queueLocalCommands?: boolean;
  /**
   * Where a bid is judged. `'owner'` (the default): by the house that owns its partition, which
   * holds the partition's auctions in memory; a bid taken in by another house is handed over to
   * it (or queued) and answered back. `'anywhere'`: by the house that takes it in, whoever owns
   * the partition: it reads the bid's auction from the store, judges it and commits it under the
   * store's checks (the ledger's next seq, the partition's fencing token), and reads and judges
   * again when another house committed to the auction first. Every process then serves bids on
   * every auction without a hop; creates, closes, openings and cancels stay with the owner. All
   * houses sharing a backend should use the same value. Needs a backend with
   * `capabilities.fencing`.
   */
  bidJudging?: BidJudging;
  /**
   * Houses counted when partitions are shared out (16): each of up to this many houses sharing
   * a Lock owns about partitions / houses; more houses than this still work, less evenly.
   */
  presenceSlots?: number;
  /**
   * Group commits a partition keeps in flight (2 when the backend declares
   * `capabilities.commitsInOrder`; else 1): the next batch is judged and sent while the previous
   * one is on its way, and answers still go out in commit order.
   */
  maxCommitsInFlight?: number;
  /**
   * Queue entries of an owned partition delivered to another consumer and not acknowledged for
   * this long (10 s) are taken over: that consumer's process froze or was cut off while a read of
   * it was still waiting in the queue's server. The owner looks every half of it.
   */
  staleEntryMs?: number;
  /**
   * A partition whose store calls (or, when no house here owns it, whose lease) keep failing
   * this long (1,000 ms) is unavailable: its waiting callers get UNAVAILABLE (their commands may
   * still be judged later), new commands for it that a caller would wait on are refused with
   * UNAVAILABLE at once, and `health()` reports the house not ready, until a call answers again.
   */
  unavailableAfterMs?: number;
  /**
   * Where failures underneath are written (pino's convention: `warn(details, message)`; a pino
   * or Fastify logger fits): retried calls (warn), callers answered UNAVAILABLE and refused
   * commands (error), recoveries (info), lost publishes and cache writes (warn). Silent by default.
   */
  logger?: HouseLogger;
}

/** Where a bid is judged: see `AuctionHouseOptions.bidJudging`. */
export type BidJudging = 'owner' | 'anywhere';

/** The house's options with every default filled in and checked. */
export interface HouseSettings {
  readonly backend: Backend;
  readonly clock: Clock;
  readonly partitions: number;
  readonly houseId: string;
  readonly logger: HouseLogger;
  readonly maxBatch: number;
  readonly leaseTtlMs: number;
  readonly answerTimeoutMs: number;
  readonly recentBids: number;
  readonly closeGraceMs: number;
  readonly presenceSlots: number;
  readonly queueLocalCommands: boolean;
  readonly bidJudging: BidJudging;
  readonly maxCommitsInFlight: number;
  readonly staleEntryMs: number;
  readonly unavailableAfterMs: number;
}

const OPTION_KEYS: ReadonlySet<string> = new Set<keyof AuctionHouseOptions>([
  'backend',
  'clock',
  'partitions',
  'maxBatch',
  'leaseTtlMs',
  'answerTimeoutMs',
  'recentBids',
  'houseId',
  'closeGraceMs',
  'queueLocalCommands',
  'bidJudging',
  'presenceSlots',
  'maxCommitsInFlight',
  'staleEntryMs',
  'unavailableAfterMs',
  'logger',
]);

/** Keys of a backend spread into the options instead of passed as `backend`. */
const BACKEND_KEYS: ReadonlySet<string> = new Set([
  'store',
  'queue',
  'lock',
  'broadcaster',
  'cache',
  'capabilities',
  'fencing',
  'solePublisher',
  'directCommands',
  'close',
]);

const PORT_NAMES = ['store', 'queue', 'lock', 'broadcaster', 'cache'] as const;

function invalid(message: string): OutcryError {
  return new OutcryError('INVALID_INPUT', message);
}

function refuseUnknownKeys(options: object): void {
  const unknown = Object.keys(options).filter((key) => !OPTION_KEYS.has(key));
  if (unknown.length === 0) return;
  if (unknown.some((key) => BACKEND_KEYS.has(key))) {
    throw invalid(
      `createAuctionHouse takes its ports as one backend: pass { backend: createRedisAdapters(...) } (or another Backend), not its ports spread into the options (found ${unknown.join(', ')}).`,
    );
  }
  throw invalid(`Unknown option of createAuctionHouse: ${unknown.join(', ')}.`);
}

function checkBackend(backend: Backend): void {
  if (typeof backend !== 'object' || backend === null) throw invalid('backend must be a Backend object.');
  for (const port of PORT_NAMES) {
    if (typeof backend[port] !== 'object' || backend[port] === null) throw invalid(`The backend has no ${port}.`);
  }
  const { capabilities } = backend;
  if (typeof capabilities !== 'object' || capabilities === null) throw invalid('The backend declares no capabilities.');
  if (capabilities.fencing && backend.fencing === undefined) {
    throw invalid('The backend declares capabilities.fencing but carries no fencing.');
  }
  if (capabilities.solePublisher && backend.solePublisher === undefined) {
    throw invalid('The backend declares capabilities.solePublisher but carries no solePublisher.');
  }
  if (capabilities.directCommands && backend.directCommands === undefined) {
    throw invalid('The backend declares capabilities.directCommands but carries no directCommands.');
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw invalid(`${name} must be an integer of at least 1.`);
  return value;
}

function maxCommitsInFlightOf(options: AuctionHouseOptions, backend: Backend): number {
  const ordered = backend.capabilities.commitsInOrder;
  const value = options.maxCommitsInFlight ?? (ordered ? 2 : 1);
  if (!Number.isInteger(value) || value < 1 || (value > 1 && !ordered)) {
    throw invalid(
      ordered
        ? 'maxCommitsInFlight must be an integer of at least 1.'
        : 'maxCommitsInFlight must be 1: this backend does not apply commits in the order sent (capabilities.commitsInOrder).',
    );
  }
  return value;
}

function bidJudgingOf(options: AuctionHouseOptions, backend: Backend): BidJudging {
  const value = options.bidJudging ?? 'owner';
  if (value !== 'owner' && value !== 'anywhere') throw invalid("bidJudging must be 'owner' or 'anywhere'.");
  if (value === 'anywhere' && !backend.capabilities.fencing) {
    throw invalid(
      "bidJudging 'anywhere' needs a backend with capabilities.fencing: its commits carry the partition's token.",
    );
  }
  return value;
}

function partitionsOf(options: AuctionHouseOptions, backend: Backend | undefined): number {
  // In one process on memory there is nothing to spread: one partition makes the largest batches.
  const partitions =
    options.partitions ?? backend?.partitions ?? (backend === undefined ? 1 : DEFAULT_SHARED_PARTITIONS);
  assertPartitionCount(partitions);
  if (backend?.partitions !== undefined && backend.partitions !== partitions) {
    throw new OutcryError(
      'INVALID_INPUT',
      `The house has ${partitions} partitions and its backend ${backend.partitions}: give both the same count (or leave the house's out: it takes the backend's).`,
      { details: { house: partitions, backend: backend.partitions } },
    );
  }
  return partitions;
}

/** The settings of a house, or OutcryError INVALID_INPUT naming what is wrong. */
export function resolveHouseOptions(options: AuctionHouseOptions, newHouseId: () => string): HouseSettings {
  if (typeof options !== 'object' || options === null) throw invalid('createAuctionHouse takes an options object.');
  refuseUnknownKeys(options);
  if (options.backend !== undefined) checkBackend(options.backend);
  if (options.logger !== undefined && !isHouseLogger(options.logger)) {
    throw invalid('logger must have error, warn and info methods (a pino logger fits).');
  }
  const clock = options.clock ?? systemClock;
  const backend = options.backend ?? createMemoryBackend({ clock });
  return {
    backend,
    clock,
    partitions: partitionsOf(options, options.backend),
    houseId: options.houseId ?? newHouseId(),
    logger: options.logger ?? silentLogger,
    maxBatch: options.maxBatch ?? 1_024,
    leaseTtlMs: options.leaseTtlMs ?? 10_000,
    answerTimeoutMs: options.answerTimeoutMs ?? 30_000,
    recentBids: options.recentBids ?? 20_000,
    closeGraceMs: options.closeGraceMs ?? 0,
    presenceSlots: options.presenceSlots ?? 16,
    queueLocalCommands: options.queueLocalCommands ?? false,
    bidJudging: bidJudgingOf(options, backend),
    maxCommitsInFlight: maxCommitsInFlightOf(options, backend),
    staleEntryMs: positiveInteger('staleEntryMs', options.staleEntryMs ?? 10_000),
    unavailableAfterMs: positiveInteger('unavailableAfterMs', options.unavailableAfterMs ?? 1_000),
  };
}
