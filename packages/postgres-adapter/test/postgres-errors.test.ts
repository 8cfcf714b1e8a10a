import { createServer } from 'node:net';
import { isOutcryError } from '@outcry/core';
import { commitBatchOf, ScriptedAuction } from '@outcry/core/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTransientPostgresError, toOutcryError } from '../src/postgres-errors.js';
import { DATABASE_URL, migratedAdapters, noDatabase } from './support/database.js';

/** An error as pg raises it for a SQLSTATE. */
function serverError(code: string): Error {
  return Object.assign(new Error(`server error ${code}`), { code, severity: 'ERROR' });
}

/** The code a failed query gets from the adapters. */
function codeOf(error: unknown): string {
  return toOutcryError(error, 'Test').code;
}

describe('the classification of PostgreSQL errors', () => {
  it.each([
    ['08006', 'connection failure', 'UNAVAILABLE'],
    ['08001', 'cannot connect', 'UNAVAILABLE'],
    ['40001', 'serialization failure', 'UNAVAILABLE'],
    ['40P01', 'deadlock', 'UNAVAILABLE'],
    ['53100', 'disk full', 'UNAVAILABLE'],
    ['53300', 'too many connections', 'UNAVAILABLE'],
    ['57P01', 'admin shutdown', 'UNAVAILABLE'],
    ['57P03', 'cannot connect now (starting)', 'UNAVAILABLE'],
    ['57014', 'statement cancelled', 'UNAVAILABLE'],
    ['58030', 'I/O error', 'UNAVAILABLE'],
    ['55P03', 'lock not available', 'UNAVAILABLE'],
    ['25006', 'read-only transaction (a standby)', 'UNAVAILABLE'],
    ['28P01', 'password failed', 'UNAVAILABLE'],
    ['3D000', 'no such database', 'UNAVAILABLE'],
    ['XX000', 'internal error', 'UNAVAILABLE'],
    ['22P05', 'untranslatable character (\\u0000 in jsonb)', 'STORE_REJECTED'],
    ['22P02', 'invalid text representation (a lone surrogate in jsonb)', 'STORE_REJECTED'],
    ['22021', 'character not in repertoire (NUL in text)', 'STORE_REJECTED'],
    ['22003', 'numeric value out of range', 'STORE_REJECTED'],
    ['23502', 'not null violation', 'STORE_REJECTED'],
    ['23514', 'check violation', 'STORE_REJECTED'],
    ['42601', 'syntax error', 'STORE_REJECTED'],
    ['42P01', 'undefined table', 'STORE_REJECTED'],
    ['54000', 'program limit exceeded', 'STORE_REJECTED'],
    ['P0001', 'raised by a function', 'STORE_REJECTED'],
    ['23505', 'unique violation: a ledger conflict', 'STALE_OWNER'],
    ['OC409', 'stale fencing token', 'STALE_OWNER'],
  ])('SQLSTATE %s (%s) is %s', (code, _what, expected) => {
    const error = serverError(code);
    expect(codeOf(error)).toBe(expected);
    if (expected !== 'STALE_OWNER') expect(isTransientPostgresError(error)).toBe(expected === 'UNAVAILABLE');
  });

  it.each([
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      true,
    ],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    ['a broken pipe', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }), true],
    ['a connection ended', new Error('Connection terminated unexpectedly'), true],
    ['a pool timeout', new Error('timeout exceeded when trying to connect'), true],
    ['a value JavaScript cannot write', new TypeError('Do not know how to serialize a BigInt'), false],
    ['a string too long to build', new RangeError('Invalid string length'), false],
  ])('an error without a SQLSTATE, %s, is transient: %s', (_what, error, transient) => {
    expect(isTransientPostgresError(error)).toBe(transient);
    expect(codeOf(error)).toBe(transient ? 'UNAVAILABLE' : 'STORE_REJECTED');
  });
});

describe.skipIf(noDatabase)('errors of a real PostgreSQL', () => {
  let adapters: Awaited<ReturnType<typeof migratedAdapters>>;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  pool.on('error', () => undefined);
  beforeAll(async () => {
    adapters = await migratedAdapters({ partitions: 4 });
  });
  afterAll(async () => {
    await adapters.dispose();
    await pool.end();
  });

  async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  }

  it('refuses \\u0000 in jsonb (22P05), a lone surrogate (22P02) and NUL in text (22021): not transient', async () => {
    const nul = await failureOf(() => pool.query(`select $1::jsonb`, [JSON.stringify({ title: 'a\u0000b' })]));
    expect((nul as { code: string }).code).toBe('22P05');
    const surrogate = await failureOf(() => pool.query(`select $1::jsonb`, [JSON.stringify({ title: 'a\ud800b' })]));
    expect((surrogate as { code: string }).code).toBe('22P02');
    const text = await failureOf(() => pool.query(`select $1::text`, ['a\u0000b']));
    expect((text as { code: string }).code).toBe('22021');
    for (const error of [nul, surrogate, text]) {
      expect(isTransientPostgresError(error)).toBe(false);
      expect(codeOf(error)).toBe('STORE_REJECTED');
    }
  });

  it('reports a syntax error (42601) as a refusal', async () => {
    const error = await failureOf(() => pool.query('selec 1'));
    expect((error as { code: string }).code).toBe('42601');
    expect(codeOf(error)).toBe('STORE_REJECTED');
  });

  it('reports a backend terminated by pg_terminate_backend (57P01) as transient', async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
      const sleeping = failureOf(() => client.query('select pg_sleep(30)'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await pool.query('select pg_terminate_backend($1)', [pid]);
      const error = await sleeping;
      expect((error as { code: string }).code).toBe('57P01');
      expect(isTransientPostgresError(error)).toBe(true);
      expect(codeOf(error)).toBe('UNAVAILABLE');
    } finally {
      await client.end().catch(() => undefined);
    }
  });

  it('reports a serialization failure (40001) as transient', async () => {
    const table = `"${adapters.schema}".serial_test`;
    await pool.query(`create table ${table} (k int primary key, v int)`);
    await pool.query(`insert into ${table} values (1, 0), (2, 0)`);
    const [a, b] = [await pool.connect(), await pool.connect()];
    try {
      await a.query('begin isolation level serializable');
      await b.query('begin isolation level serializable');
      await a.query(`select sum(v) from ${table}`);
      await b.query(`select sum(v) from ${table}`);
      await a.query(`update ${table} set v = 1 where k = 1`);
      await b.query(`update ${table} set v = 1 where k = 2`);
      await a.query('commit');
      const error = await failureOf(() => b.query('commit'));
      expect((error as { code: string }).code).toBe('40001');
      expect(codeOf(error)).toBe('UNAVAILABLE');
    } finally {
      await b.query('rollback').catch(() => undefined);
      a.release();
      b.release();
    }
  });

  it('reports a refused connection (nothing listening) as transient', async () => {
    const server = createServer();
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    await new Promise((resolve) => server.close(resolve));
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', connectionTimeoutMillis: 2_000 });
    client.on('error', () => undefined);
    const error = await failureOf(() => client.connect());
    expect(isTransientPostgresError(error)).toBe(true);
    expect(codeOf(error)).toBe('UNAVAILABLE');
  });

  it('a commit holding text PostgreSQL cannot keep is refused with STORE_REJECTED, and writes nothing', async () => {
    const poison = ScriptedAuction.create({ title: 'a\u0000b' });
    const error = await failureOf(() => adapters.store.commit(commitBatchOf(0, 1, [poison])));
    expect(isOutcryError(error) && error.code).toBe('STORE_REJECTED');
    expect(await adapters.store.getMany([poison.id])).toEqual([null]);
  });

  it('a refused batch does not sink the batches of other partitions sent in the same transaction', async () => {
    const good = ScriptedAuction.create();
    const poison = ScriptedAuction.create({ title: 'lone \ud800 surrogate' });
    const other = ScriptedAuction.create();
    // Sent in one tick: the store sends them together (commit_batches), one batch per partition.
    const results = await Promise.allSettled([
      adapters.store.commit(commitBatchOf(1, 1, [good])),
      adapters.store.commit(commitBatchOf(2, 1, [poison])),
      adapters.store.commit(commitBatchOf(3, 1, [other])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refusal = (results[1] as PromiseRejectedResult).reason;
    expect(isOutcryError(refusal) && refusal.code).toBe('STORE_REJECTED');
    const states = await adapters.store.getMany([good.id, poison.id, other.id]);
    expect(states.map((state) => state?.spec.id ?? null)).toEqual([good.id, null, other.id]);
  });
});
