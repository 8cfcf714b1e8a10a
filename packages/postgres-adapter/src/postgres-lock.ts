import { type AcquireOptions, type Lease, type Lock, minTokenOf } from '@outcry/core/adapter-kit';
import type { Pool } from 'pg';
import { fromBigintColumn } from './money-column.js';
import { toOutcryError } from './postgres-errors.js';
import type { Statement, Statements } from './sql.js';

interface LeaseRow {
  token: string;
  expires_at: string;
}

/**
 * Lock on a `leases` table, one row per key. A row is taken when absent or expired, with the
 * next token of one sequence, at least `minToken` and above the row's last token, so a key's
 * tokens only grow; release expires the row rather than deleting it, so it keeps that token. A
 * holder that stops renewing loses the key at `expires_at`. Expiry is judged by the database's
 * clock, the one clock every process shares.
 */
export class PostgresLock implements Lock {
  readonly #pool: Pool;
  readonly #sql: Statements;

  constructor(pool: Pool, statements: Statements) {
    this.#pool = pool;
    this.#sql = statements;
  }

  async #query<R extends object>(statement: Statement, values: unknown[], what: string) {
    try {
      return await this.#pool.query<R>({ name: statement.name, text: statement.text, values });
    } catch (error) {
      throw toOutcryError(error, what);
    }
  }

  async acquire(key: string, owner: string, ttlMs: number, options?: AcquireOptions): Promise<Lease | null> {
    const min = minTokenOf(options);
    const { rows } = await this.#query<LeaseRow>(this.#sql.acquire, [key, owner, ttlMs, min], `Acquiring ${key}`);
    const row = rows[0];
    if (row === undefined) return null;
    return {
      key,
      owner,
      token: fromBigintColumn(row.token, 'leases.token'),
      expiresAt: fromBigintColumn(row.expires_at, 'leases.expires_at'),
    };
  }

  async renew(lease: Lease, ttlMs: number): Promise<Lease | null> {
    const { rows } = await this.#query<LeaseRow>(
      this.#sql.renew,
      [lease.key, lease.owner, lease.token, ttlMs],
      `Renewing ${lease.key}`,
    );
    const row = rows[0];
    if (row === undefined) return null;
    return { ...lease, expiresAt: fromBigintColumn(row.expires_at, 'leases.expires_at') };
  }

  async release(lease: Lease): Promise<boolean> {
    const result = await this.#query(
      this.#sql.release,
      [lease.key, lease.owner, lease.token],
      `Releasing ${lease.key}`,
    );
    return result.rowCount === 1;
  }
}
