import { type Clock, systemClock } from '../ports/clock.js';
import { type AcquireOptions, type Lease, type Lock, minTokenOf } from '../ports/lock.js';

/** Leases with fencing tokens in this process's memory. */
export class MemoryLock implements Lock {
  readonly #leases = new Map<string, Lease>();
  readonly #tokens = new Map<string, number>();
  readonly #clock: Clock;

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async acquire(key: string, owner: string, ttlMs: number, options?: AcquireOptions): Promise<Lease | null> {
    const min = minTokenOf(options);
    const now = this.#clock.now();
    const held = this.#leases.get(key);
    if (held !== undefined && held.expiresAt > now) return null;
    const token = Math.max((this.#tokens.get(key) ?? 0) + 1, min);
    this.#tokens.set(key, token);
    const lease: Lease = { key, owner, token, expiresAt: now + ttlMs };
    this.#leases.set(key, lease);
    return lease;
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    const now = this.#clock.now();
    const held = this.#leases.get(lease.key);
    if (held === undefined || held.token !== lease.token || held.owner !== lease.owner || held.expiresAt <= now)
      return null;
    const renewed: Lease = { ...held, expiresAt: now + ttlMs };
    this.#leases.set(lease.key, renewed);
    return renewed;
  }

  async release(lease: Lease): Promise<boolean> {
    const held = this.#leases.get(lease.key);
    if (held === undefined || held.token !== lease.token || held.owner !== lease.owner) return false;
    this.#leases.delete(lease.key);
    return true;
  }
}
