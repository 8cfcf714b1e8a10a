import { describe, expect, it } from 'vitest';
import type { Lease, Lock } from '../../ports/lock.js';
import { sleep } from '../eventually.js';
import { type ContractHooks, trackInstances } from './contract-hooks.js';
import { expectOutcryError } from './expect-outcry-error.js';
import { uniqueId } from './fixtures.js';

/** Groups of the Lock contract that a backend may switch off. */
export interface LockContractSkips {
  /** acquire, release and fencing tokens, no waiting. */
  readonly leases?: boolean;
  /** Tests that wait for a lease to expire or outlive its first TTL. */
  readonly expiry?: boolean;
}

export interface LockContractOptions extends ContractHooks {
  readonly skip?: LockContractSkips;
  /** TTL of the leases the expiry tests let run out (100 ms by default). */
  readonly shortTtlMs?: number;
  /** How long those tests wait for such a lease to be gone (250 ms by default). */
  readonly expiryWaitMs?: number;
  /** TTL of leases that must not run out during a test (30 s by default). */
  readonly longTtlMs?: number;
}

/** A factory of fresh, isolated locks; the suite closes each one after its test. */
export type LockFactory = () => Promise<Lock> | Lock;

function held(lease: Lease | null): Lease {
  expect(lease, 'expected a lease').not.toBeNull();
  return lease as Lease;
}

/**
 * The contract every Lock meets: one holder per key, fencing tokens that grow on every
 * acquisition (and start at `minToken` when asked), expired leases taken over, and a lost lease
 * neither renewed nor released.
 */
export function describeLockContract(makeLock: LockFactory, options: LockContractOptions = {}): void {
  const skip = options.skip ?? {};
  const shortTtlMs = options.shortTtlMs ?? 100;
  const expiryWaitMs = options.expiryWaitMs ?? 250;
  const longTtlMs = options.longTtlMs ?? 30_000;

  describe('Lock contract', () => {
    const instances = trackInstances(options);
    const newLock = async (): Promise<Lock> => instances.add(await makeLock());

    describe.skipIf(skip.leases === true)('leases', () => {
      it('gives a free key to the first owner, and null to a second one while it is held', async () => {
        const lock = await newLock();
        const key = uniqueId('lock');
        const lease = held(await lock.acquire(key, 'owner-a', longTtlMs));
        expect(lease).toMatchObject({ key, owner: 'owner-a' });
        expect(Number.isSafeInteger(lease.token)).toBe(true);
        expect(lease.expiresAt).toBeGreaterThan(Date.now());
        expect(await lock.acquire(key, 'owner-b', longTtlMs)).toBeNull();
      });

      it('keeps keys apart', async () => {
        const lock = await newLock();
        held(await lock.acquire(uniqueId('lock'), 'owner-a', longTtlMs));
        held(await lock.acquire(uniqueId('lock'), 'owner-b', longTtlMs));
      });

      it('release frees the key for the next owner, once', async () => {
        const lock = await newLock();
        const key = uniqueId('lock');
        const lease = held(await lock.acquire(key, 'owner-a', longTtlMs));
        expect(await lock.release(lease)).toBe(true);
        expect(await lock.release(lease)).toBe(false);
        expect(await lock.renew(lease, longTtlMs)).toBeNull();
        const next = held(await lock.acquire(key, 'owner-b', longTtlMs));
        expect(next.token).toBeGreaterThan(lease.token);
      });

      it('grows the token strictly on every acquisition of a key', async () => {
        const lock = await newLock();
        const key = uniqueId('lock');
        const tokens: number[] = [];
        for (const owner of ['owner-a', 'owner-a', 'owner-b', 'owner-c', 'owner-a']) {
          const lease = held(await lock.acquire(key, owner, longTtlMs));
          tokens.push(lease.token);
          expect(await lock.release(lease)).toBe(true);
        }
        for (let i = 1; i < tokens.length; i++)
          expect(tokens[i]).toBeGreaterThan(tokens[i - 1] ?? Number.POSITIVE_INFINITY);
      });

      it('hands out a token of at least minToken, and goes on above it', async () => {
        const lock = await newLock();
        const key = uniqueId('lock');
        const first = held(await lock.acquire(key, 'owner-a', longTtlMs));
        expect(await lock.release(first)).toBe(true);
        const raised = held(await lock.acquire(key, 'owner-b', longTtlMs, { minToken: first.token + 1_000 }));
        expect(raised.token).toBeGreaterThanOrEqual(first.token + 1_000);
        expect(await lock.release(raised)).toBe(true);
        const next = held(await lock.acquire(key, 'owner-c', longTtlMs));
        expect(next.token).toBeGreaterThan(raised.token);
      });

      it('grows the token as ever when minToken is below it, and holds a held key with any minToken', async () => {
        const lock = await newLock();
        const key = uniqueId('lock');
        const first = held(await lock.acquire(key, 'owner-a', longTtlMs));
        expect(await lock.acquire(key, 'owner-b', longTtlMs, { minToken: first.token + 1_000 })).toBeNull();
        expect(await lock.release(first)).toBe(true);
        const next = held(await lock.acquire(key, 'owner-b', longTtlMs, { minToken: 1 }));
        expect(next.token).toBeGreaterThan(first.token);
        expect(next.token).toBeLessThan(first.token + 1_000);
      });

      it('refuses a minToken that is not a safe integer of at least 0 with INVALID_INPUT', async () => {
        const lock = await newLock();
        for (const minToken of [-1, 1.5, Number.NaN, 2 ** 53]) {
          await expectOutcryError(lock.acquire(uniqueId('lock'), 'owner-a', longTtlMs, { minToken }), 'INVALID_INPUT');
        }
      });

      it('renews a lease still held, with the same token', async () => {
        const lock = await newLock();
        const lease = held(await lock.acquire(uniqueId('lock'), 'owner-a', longTtlMs));
        const renewed = held(await lock.renew(lease, longTtlMs * 2));
        expect(renewed).toMatchObject({ key: lease.key, owner: lease.owner, token: lease.token });
        expect(renewed.expiresAt).toBeGreaterThan(lease.expiresAt);
        expect(await lock.release(renewed)).toBe(true);
      });

      it('renews and releases only for the owner that holds the lease', async () => {
        const lock = await newLock();
        const lease = held(await lock.acquire(uniqueId('lock'), 'owner-a', longTtlMs));
        const impostor: Lease = { ...lease, owner: 'owner-b' };
        expect(await lock.renew(impostor, longTtlMs)).toBeNull();
        expect(await lock.release(impostor)).toBe(false);
        expect(await lock.acquire(lease.key, 'owner-b', longTtlMs)).toBeNull();
      });
    });

    describe.skipIf(skip.expiry === true)('expiry', () => {
      it('lets another owner take an expired lease, with a higher token', async () => {
        const lock = await newLock();
        const key = uniqueId('lock');
        const lease = held(await lock.acquire(key, 'owner-a', shortTtlMs));
        await sleep(expiryWaitMs);
        const takeover = held(await lock.acquire(key, 'owner-b', longTtlMs));
        expect(takeover.token).toBeGreaterThan(lease.token);
      });

      it('neither renews nor releases a lease that was taken over', async () => {
        const lock = await newLock();
        const key = uniqueId('lock');
        const lost = held(await lock.acquire(key, 'owner-a', shortTtlMs));
        await sleep(expiryWaitMs);
        const takeover = held(await lock.acquire(key, 'owner-b', longTtlMs));
        expect(await lock.renew(lost, longTtlMs)).toBeNull();
        expect(await lock.release(lost)).toBe(false);
        // The new holder was not disturbed.
        expect(await lock.acquire(key, 'owner-c', longTtlMs)).toBeNull();
        expect(await lock.release(takeover)).toBe(true);
      });

      it('a renewed lease outlives its first TTL', async () => {
        const lock = await newLock();
        const key = uniqueId('lock');
        const lease = held(await lock.acquire(key, 'owner-a', shortTtlMs));
        await sleep(shortTtlMs * 0.5);
        const renewed = held(await lock.renew(lease, longTtlMs));
        await sleep(expiryWaitMs);
        expect(await lock.acquire(key, 'owner-b', shortTtlMs)).toBeNull();
        expect(held(await lock.renew(renewed, longTtlMs)).token).toBe(lease.token);
      });
    });
  });
}
