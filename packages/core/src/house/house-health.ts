import { isOutcryError, OutcryError } from '../errors.js';
import type { HouseDependency, HouseOperation, ReportedError, Trouble } from './house-types.js';

/** The dependency an operation calls. */
export function dependencyOf(operation: HouseOperation): HouseDependency {
  if (operation === 'commit' || operation === 'read' || operation === 'start') return 'store';
  if (operation === 'acquire' || operation === 'renew') return 'lock';
  return 'queue';
}

function reported(error: unknown): ReportedError {
  if (isOutcryError(error)) return { code: error.code, message: error.message };
  return { code: 'UNAVAILABLE', message: error instanceof Error ? error.message : String(error) };
}

const keyOf = (dependency: HouseDependency, partition: number | null) => `${dependency}:${partition ?? '*'}`;

/**
 * The failing calls of one house, one trouble per dependency and partition: opened by the first
 * failure, cleared when a call of that dependency answers again (or when nothing has been heard
 * of it for a while). A trouble older than `unavailableAfterMs` is an outage: it makes the house
 * not ready, and makes partitions unavailable (see `unavailable`). Times are real time (Date.now).
 */
export class HouseHealthTracker {
  readonly #troubles = new Map<string, Trouble>();
  readonly unavailableAfterMs: number;
  /** The last commit error, until a commit lands. */
  lastCommitError: (ReportedError & { readonly at: number }) | null = null;

  constructor(unavailableAfterMs: number) {
    this.unavailableAfterMs = unavailableAfterMs;
  }

  /** True when no call is failing: the common case, checked first on every command. */
  get clear(): boolean {
    return this.#troubles.size === 0;
  }

  failed(operation: HouseOperation, partition: number | null, error: unknown, now: number): Trouble {
    const dependency = dependencyOf(operation);
    const key = keyOf(dependency, partition);
    const earlier = this.#troubles.get(key);
    const lastError = reported(error);
    const trouble: Trouble = {
      dependency,
      operation,
      partition,
      since: earlier?.since ?? now,
      lastAt: now,
      failures: (earlier?.failures ?? 0) + 1,
      lastError,
    };
    this.#troubles.set(key, trouble);
    if (operation === 'commit' || operation === 'read') this.lastCommitError = { ...lastError, at: now };
    return trouble;
  }

  /** Calls of `dependency` for `partition` answer again: the trouble it ends, if any. */
  recovered(dependency: HouseDependency, partition: number | null): Trouble | undefined {
    const key = keyOf(dependency, partition);
    const trouble = this.#troubles.get(key);
    if (trouble === undefined) return undefined;
    this.#troubles.delete(key);
    if (dependency === 'store') this.lastCommitError = null;
    return trouble;
  }

  /**
   * What this house saw of a partition's store and lease, forgotten: another house owns the
   * partition now. A renewal that failed while it was owned here would otherwise count, once it is
   * not, as a lock this house cannot reach.
   */
  forget(partition: number): void {
    this.#troubles.delete(keyOf('store', partition));
    this.#troubles.delete(keyOf('lock', partition));
  }

  /**
   * The lock answered a call: the troubles of taking partitions not owned here (`owns` false)
   * only said it was out of reach, and are cleared; the ones cleared are returned.
   */
  lockAnswered(owns: (partition: number) => boolean): Trouble[] {
    const cleared: Trouble[] = [];
    for (const [key, trouble] of this.#troubles) {
      if (trouble.dependency !== 'lock' || trouble.partition === null || owns(trouble.partition)) continue;
      this.#troubles.delete(key);
      cleared.push(trouble);
    }
    return cleared;
  }

  /** Troubles nothing was heard of for `quietMs`: no failing call keeps them up to date any more. */
  expire(now: number, quietMs: number): void {
    for (const [key, trouble] of this.#troubles) if (now - trouble.lastAt >= quietMs) this.#troubles.delete(key);
  }

  all(): Trouble[] {
    return [...this.#troubles.values()];
  }

  /** Troubles that have lasted `unavailableAfterMs` or longer. */
  outages(now: number): Trouble[] {
    return this.all().filter((trouble) => now - trouble.since >= this.unavailableAfterMs);
  }

  /**
   * Why commands of `partition` cannot be judged now, or null: its store calls have failed for
   * `unavailableAfterMs`; or it is not owned here and taking its lease has failed that long; or
   * the store has failed that long for some partition with no commit of this house landing since
   * (the store is down, so whoever owns the partition cannot commit either).
   */
  unavailable(partition: number, owned: boolean, landedAt: number, now: number): Trouble | null {
    if (this.#troubles.size === 0) return null;
    const longEnough = (trouble: Trouble | undefined) =>
      trouble !== undefined && now - trouble.since >= this.unavailableAfterMs ? trouble : null;
    const own = longEnough(this.#troubles.get(keyOf('store', partition)));
    if (own !== null) return own;
    if (!owned) {
      const lock = longEnough(this.#troubles.get(keyOf('lock', partition)));
      if (lock !== null) return lock;
    }
    for (const trouble of this.#troubles.values()) {
      if (trouble.dependency === 'store' && longEnough(trouble) !== null && landedAt < trouble.since) return trouble;
    }
    return null;
  }
}

/** The error of a command refused because its partition is unavailable: nothing was taken in. */
export function unavailableRefusal(partition: number, trouble: Trouble): OutcryError {
  return new OutcryError(
    'UNAVAILABLE',
    `Partition ${partition} is unavailable: its ${trouble.dependency} has been failing (${trouble.lastError.message}). Nothing was taken in; try again later.`,
    { details: { partition, dependency: trouble.dependency } },
  );
}

/** The error of a caller who waited on an unavailable partition: its command may still be judged. */
export function unknownOutcome(partition: number, trouble: Trouble, now: number): OutcryError {
  return new OutcryError(
    'UNAVAILABLE',
    `Partition ${partition} is unavailable: its ${trouble.dependency} has been failing for ${now - trouble.since} ms (${trouble.lastError.message}). The outcome of this command is not known: it may still be judged. Send it again with the same bidId (or auction id) to learn it.`,
    { details: { partition, dependency: trouble.dependency, outcomeKnown: false } },
  );
}
