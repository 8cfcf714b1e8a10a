import type { OutcryError } from '../errors.js';
import type { EventHub } from './event-hub.js';
import { dependencyOf, HouseHealthTracker, unavailableRefusal, unknownOutcome } from './house-health.js';
import { type HouseLogger, logHouseError } from './house-logger.js';
import type { HouseDependency, HouseError, HouseHealth, HouseOperation, Trouble } from './house-types.js';
import type { Lifecycle } from './lifecycle.js';
import type { PendingAnswers } from './pending-answers.js';
import type { SequencedCommand } from './sequenced-command.js';
import type { DependencyReports } from './sequencer-links.js';
import type { SequencerStats } from './sequencer-stats.js';

/** While a partition is unavailable, one command in this many ms goes through to try the store again. */
const PROBE_EVERY_MS = 200;

/** What the monitor reads of the partitions this house owns. */
export interface OwnedPartitions {
  owns(partition: number): boolean;
  /** Sorted. */
  owned(): number[];
  /** When a commit of this house's sequencers last landed (Date.now), 0 before the first. */
  landedAt(): number;
}

export interface HealthMonitorOptions {
  readonly partitions: number;
  readonly unavailableAfterMs: number;
  readonly leaseTtlMs: number;
  readonly logger: HouseLogger;
  readonly lifecycle: Lifecycle;
  readonly events: EventHub;
  readonly stats: SequencerStats;
  readonly pending: PendingAnswers;
  readonly partitionsOwned: OwnedPartitions;
}

/**
 * Follows the calls that fail underneath: reports them (logger, `on('error')`, `onHealth`),
 * decides which partitions are unavailable, answers their waiting callers UNAVAILABLE, and
 * tells `health()`.
 */
export class HealthMonitor implements DependencyReports {
  readonly #options: HealthMonitorOptions;
  readonly #tracker: HouseHealthTracker;
  /** When a command last went through to an unavailable partition as a probe (see refusalFor). */
  readonly #probedAt = new Map<number, number>();
  /** A look at the partitions' availability, due when the oldest trouble turns into an outage. */
  #availabilityTimer: NodeJS.Timeout | null = null;

  constructor(options: HealthMonitorOptions) {
    this.#options = options;
    this.#tracker = new HouseHealthTracker(options.unavailableAfterMs);
  }

  failed(operation: HouseOperation, partition: number | null, error: unknown): void {
    const trouble = this.#tracker.failed(operation, partition, error, Date.now());
    this.#options.events.emitHealth({ type: 'failure', error, ...trouble });
    this.#planAvailabilityLook(trouble.since + this.#options.unavailableAfterMs);
  }

  recovered(dependency: HouseDependency, partition: number | null): void {
    if (this.#tracker.clear) return;
    const trouble = this.#tracker.recovered(dependency, partition);
    if (trouble !== undefined) this.#emitRecovered(trouble);
  }

  /**
   * A lock call answered: partitions this house failed to take are no longer unavailable here
   * on that account (the others' owners judge them), though no take of theirs was tried again.
   */
  lockAnswered(): void {
    if (this.#tracker.clear) return;
    const { partitionsOwned } = this.#options;
    for (const trouble of this.#tracker.lockAnswered((partition) => partitionsOwned.owns(partition)))
      this.#emitRecovered(trouble);
  }

  #emitRecovered({ dependency, operation, partition, failures, since }: Trouble): void {
    this.#options.events.emitHealth({
      type: 'recovered',
      dependency,
      operation,
      partition,
      failures,
      failedForMs: Date.now() - since,
    });
  }

  /** A call of `operation` answered again. */
  answered(operation: HouseOperation, partition: number | null): void {
    this.recovered(dependencyOf(operation), partition);
  }

  problem(operation: 'publish' | 'subscribe' | 'cache', partition: number | null, cause: unknown): void {
    const { stats, logger, events } = this.#options;
    if (operation === 'cache') stats.cacheErrors++;
    else stats.publishErrors++;
    const error: HouseError = { operation, partition, cause };
    logHouseError(logger, error);
    events.emitError(error);
  }

  refused(partition: number, entry: SequencedCommand, error: unknown): void {
    const { command } = entry;
    const auctionId = command.type === 'create' ? command.spec.id : command.auctionId;
    this.#options.events.emitHealth({ type: 'refused', partition, command: command.type, auctionId, error });
  }

  /** What this house saw of the partition's store is old news (another house judges it now). */
  forget(partition: number): void {
    this.#tracker.forget(partition);
  }

  /**
   * The refusal for a caller who would wait on an unavailable partition; null when the
   * partition is available, or when this command goes through as a probe: one every
   * PROBE_EVERY_MS. Refusing every command would leave nothing to try the store with once it is
   * back, and the partition unavailable until its trouble expires; a probe that succeeds clears it.
   */
  refusalFor(partition: number): OutcryError | null {
    if (this.#tracker.clear) return null;
    const now = Date.now();
    const trouble = this.#unavailable(partition, now);
    if (trouble === null) return null;
    if (now - (this.#probedAt.get(partition) ?? 0) >= PROBE_EVERY_MS) {
      this.#probedAt.set(partition, now);
      return null;
    }
    return unavailableRefusal(partition, trouble);
  }

  /** Whether this house can take and judge commands now, and what is failing underneath. */
  health(): HouseHealth {
    const { lifecycle, partitions, partitionsOwned, stats } = this.#options;
    const now = Date.now();
    this.#expire(now);
    const troubles = this.#tracker.all();
    const failing = this.#tracker.outages(now);
    const unavailable: number[] = [];
    const landedAt = partitionsOwned.landedAt();
    for (let partition = 0; partition < partitions; partition++) {
      if (this.#unavailable(partition, now, landedAt) !== null) unavailable.push(partition);
    }
    let consecutiveFailures = 0;
    for (const trouble of troubles)
      if (trouble.dependency === 'store') consecutiveFailures = Math.max(consecutiveFailures, trouble.failures);
    return {
      ready: lifecycle.state === 'running' && failing.length === 0,
      state: lifecycle.state,
      failing,
      troubles,
      partitions: { total: partitions, owned: partitionsOwned.owned(), unavailable },
      commits: {
        consecutiveFailures,
        lastError: this.#tracker.lastCommitError,
        refusedCommands: stats.refusedCommands,
      },
    };
  }

  stop(): void {
    if (this.#availabilityTimer) clearTimeout(this.#availabilityTimer);
  }

  #expire(now: number): void {
    this.#tracker.expire(now, Math.max(5_000, this.#options.leaseTtlMs));
  }

  #unavailable(partition: number, now: number, landedAt = this.#options.partitionsOwned.landedAt()): Trouble | null {
    if (this.#tracker.clear) return null;
    return this.#tracker.unavailable(partition, this.#options.partitionsOwned.owns(partition), landedAt, now);
  }

  /** Look at the partitions' availability at `at` (real time), unless a look comes sooner. */
  #planAvailabilityLook(at: number): void {
    if (this.#availabilityTimer !== null || !this.#options.lifecycle.running) return;
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
    const { partitions, partitionsOwned, pending, events, unavailableAfterMs } = this.#options;
    const now = Date.now();
    this.#expire(now);
    if (this.#tracker.clear) return;
    const down = new Map<number, Trouble>();
    const landedAt = partitionsOwned.landedAt();
    for (let partition = 0; partition < partitions; partition++) {
      const trouble = this.#unavailable(partition, now, landedAt);
      if (trouble !== null) down.set(partition, trouble);
    }
    if (down.size > 0) {
      const callers = pending.failPartitions((partition) => {
        const trouble = down.get(partition);
        return trouble === undefined ? undefined : unknownOutcome(partition, trouble, now);
      });
      const [first] = down.values();
      if (callers > 0 && first !== undefined)
        events.emitHealth({ type: 'unavailable', partitions: [...down.keys()], callers, trouble: first });
    }
    // While anything fails, look again every so often: a trouble may turn into an outage.
    this.#planAvailabilityLook(now + Math.min(unavailableAfterMs, 500));
  }
}
