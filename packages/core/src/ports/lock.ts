import { OutcryError } from '../errors.js';

/** The right to write a partition until `expiresAt`, proven by a fencing token. */
export interface Lease {
  readonly key: string;
  readonly owner: string;
  /** Grows with every acquisition of the key, never reused: the store refuses lower tokens. */
  readonly token: number;
  readonly expiresAt: number;
}

/** Options of `Lock.acquire`. */
export interface AcquireOptions {
  /**
   * The token is at least this. A house passes one above the token its store holds for the
   * partition when the lock handed out a token the store had seen already (a lock that lost its
   * data): the next token then follows the store's. Later acquisitions of the key go on above it.
   */
  readonly minToken?: number | undefined;
}

/** Leases with fencing tokens. */
export interface Lock {
  /** Take the key if it is free or its lease has expired; null when someone else holds it. */
  acquire(key: string, owner: string, ttlMs: number, options?: AcquireOptions): Promise<Lease | null>;
  /** Extend a lease still held (same owner and token); null when it was lost. */
  renew(lease: Lease, ttlMs: number): Promise<Lease | null>;
  /** Give the key up if this lease still holds it; false when it had been lost already. */
  release(lease: Lease): Promise<boolean>;
  close?(): Promise<void>;
}

/** The `minToken` of acquire options (0 when none); OutcryError INVALID_INPUT unless a safe integer of at least 0. */
export function minTokenOf(options: AcquireOptions | undefined): number {
  const min = options?.minToken ?? 0;
  if (!Number.isSafeInteger(min) || min < 0) {
    throw new OutcryError('INVALID_INPUT', `minToken must be a safe integer of at least 0, not ${String(min)}.`);
  }
  return min;
}
