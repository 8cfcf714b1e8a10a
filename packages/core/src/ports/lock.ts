/** The right to write a partition until `expiresAt`, proven by a fencing token. */
export interface Lease {
  readonly key: string;
  readonly owner: string;
  /** Grows with every acquisition of the key, never reused: the store refuses lower tokens. */
  readonly token: number;
  readonly expiresAt: number;
}

/** Leases with fencing tokens. */
export interface Lock {
  /** Take the key if it is free or its lease has expired; null when someone else holds it. */
  acquire(key: string, owner: string, ttlMs: number): Promise<Lease | null>;
  /** Extend a lease still held (same owner and token); null when it was lost. */
  renew(lease: Lease, ttlMs: number): Promise<Lease | null>;
  /** Give the key up if this lease still holds it; false when it had been lost already. */
  release(lease: Lease): Promise<boolean>;
  close?(): Promise<void>;
}
