import { type AcquireOptions, type Lease, type Lock, minTokenOf } from '@outcry/core/adapter-kit';
import type { RedisKeys } from './keys.js';
import { runScript } from './lua-scripts.js';
import type { RedisClient } from './redis-client.js';

/** What a RedisLock needs. */
export interface RedisLockOptions {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
}

/** The value stored under a lease key: token and owner together, so one GET proves both. */
function leaseValue(lease: Pick<Lease, 'token' | 'owner'>): string {
  return `${lease.token}:${lease.owner}`;
}

/**
 * Leases on Redis: SET NX PX inside a script that also INCRs the key's fencing counter, so that
 * tokens only grow, even across expiries and server restarts with persistence. A Redis that
 * restarts empty counts from 1 again: a house then learns the token its store holds and asks
 * for one above it (`minToken`), from which the counter goes on. Renew and
 * release compare owner and token in a script. Expiry is the server's clock; `expiresAt` is
 * this process's estimate, taken before the request left, so it is never late.
 */
export class RedisLock implements Lock {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;

  constructor(options: RedisLockOptions) {
    this.#redis = options.redis;
    this.#keys = options.keys;
  }

  async acquire(key: string, owner: string, ttlMs: number, options?: AcquireOptions): Promise<Lease | null> {
    const min = minTokenOf(options);
    const sentAt = Date.now();
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const token = await runScript(
      this.#redis,
      'acquire-lease',
      [this.#keys.lease(key), this.#keys.leaseToken(key)],
      [owner, ttl, min],
    );
    if (token === null || token === undefined) return null;
    return { key, owner, token: Number(token), expiresAt: sentAt + ttl };
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    const sentAt = Date.now();
    const ttl = Math.max(1, Math.ceil(ttlMs));
    const renewed = await runScript(
      this.#redis,
      'renew-lease',
      [this.#keys.lease(lease.key)],
      [leaseValue(lease), ttl],
    );
    return Number(renewed) === 1 ? { ...lease, expiresAt: sentAt + ttl } : null;
  }

  async release(lease: Lease): Promise<boolean> {
    const released = await runScript(this.#redis, 'release-lease', [this.#keys.lease(lease.key)], [leaseValue(lease)]);
    return Number(released) === 1;
  }

  /** Nothing to release: the lock runs on the client it was given. */
  async close(): Promise<void> {}
}
