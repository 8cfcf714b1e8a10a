import type { Pool } from 'pg';
import { MIGRATIONS, type Migration } from './migrations.js';
import { quoteIdentifier } from './schema-name.js';

/** What `migrate()` did. */
export interface MigrationReport {
  /** Names of the migrations this call applied, in order; empty when the schema was up to date. */
  readonly applied: string[];
}

/** Advisory lock class of migrations; the second key is the hash of the schema name. */
const MIGRATION_LOCK_CLASS = 0x6f637279; // 'ocry'

/**
 * Applies the pending migrations to `schema`, each in its own transaction that first takes a
 * transaction-level advisory lock for the schema and then records its number: concurrent
 * callers queue on the lock, and the second finds the number already there and skips it.
 */
export async function migrate(
  pool: Pool,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<MigrationReport> {
  const quoted = quoteIdentifier(schema);
  const applied: string[] = [];
  for (const migration of migrations) {
    const client = await pool.connect();
    let failure: unknown;
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [MIGRATION_LOCK_CLASS, schema]);
      await client.query(`create schema if not exists ${quoted}`);
      await client.query(
        `create table if not exists ${quoted}.migrations (id integer primary key, name text not null, applied_at timestamptz not null default now())`,
      );
      const inserted = await client.query(
        `insert into ${quoted}.migrations (id, name) values ($1, $2) on conflict (id) do nothing`,
        [migration.id, migration.name],
      );
      if (inserted.rowCount === 1) {
        await client.query(migration.sql.replaceAll('{{schema}}', quoted));
        applied.push(migration.name);
      }
      await client.query('commit');
    } catch (error) {
      failure = error;
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release(failure instanceof Error ? failure : undefined);
    }
  }
  return { applied };
}
