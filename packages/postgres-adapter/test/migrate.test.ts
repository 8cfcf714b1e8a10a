import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresAdapters } from '../src/index.js';
import { MIGRATIONS } from '../src/migrations.js';
import { validateSchemaName } from '../src/schema-name.js';
import { DATABASE_URL, dropSchema, freshSchemaName, noDatabase, testPool } from './support/database.js';

describe('schema names', () => {
  it('accepts plain lowercase identifiers and refuses anything that would need escaping', () => {
    expect(validateSchemaName('outcry')).toBe('outcry');
    expect(validateSchemaName('outcry_test_12_ab3')).toBe('outcry_test_12_ab3');
    for (const bad of ['', 'Outcry', '1outcry', 'out-cry', 'x"; drop schema public; --', 'a'.repeat(41), 'out cry']) {
      expect(() => createPostgresAdapters({ connectionString: DATABASE_URL, schema: bad })).toThrow(
        /Invalid schema name/,
      );
    }
  });
});

describe.skipIf(noDatabase)('migrate()', () => {
  const pool = testPool(20);
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
    await pool.end();
  });

  const tablesOf = async (schema: string) =>
    (
      await pool.query<{ table_name: string }>(
        'select table_name from information_schema.tables where table_schema = $1 order by table_name',
        [schema],
      )
    ).rows.map((row) => row.table_name);

  it('applies every migration once, in order, and does nothing the second time', async () => {
    const schema = freshSchemaName('migrate');
    schemas.push(schema);
    const adapters = createPostgresAdapters({ pool, schema });
    const first = await adapters.migrate();
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.name));
    const second = await adapters.migrate();
    expect(second.applied).toEqual([]);
    const recorded = await pool.query(`select id, name from "${schema}".migrations order by id`);
    expect(recorded.rows).toEqual(MIGRATIONS.map((m) => ({ id: m.id, name: m.name })));
    expect(await tablesOf(schema)).toEqual(
      [
        'auctions',
        'bid_outcomes',
        'broadcast_overflow',
        'leases',
        'ledger',
        'migrations',
        'partition_count',
        'partition_tokens',
        'queue',
      ].sort(),
    );
    await adapters.close();
  });

  it('lets several processes migrate one schema at once: each migration is applied exactly once', async () => {
    const schema = freshSchemaName('migrate');
    schemas.push(schema);
    // Separate adapter bundles with their own pools, as separate processes would have.
    const racers = Array.from({ length: 6 }, () => createPostgresAdapters({ connectionString: DATABASE_URL, schema }));
    const reports = await Promise.all(racers.map((adapters) => adapters.migrate()));
    await Promise.all(racers.map((adapters) => adapters.close()));
    const applied = reports.flatMap((report) => report.applied).sort();
    expect(applied).toEqual(MIGRATIONS.map((m) => m.name).sort());
    const recorded = await pool.query(`select count(*)::int as n from "${schema}".migrations`);
    expect(recorded.rows[0].n).toBe(MIGRATIONS.length);
  });

  it('keeps schemas apart: two schemas in one database do not see each other', async () => {
    const [a, b] = [freshSchemaName('migrate'), freshSchemaName('migrate')];
    schemas.push(a, b);
    const first = createPostgresAdapters({ pool, schema: a });
    const second = createPostgresAdapters({ pool, schema: b });
    await Promise.all([first.migrate(), second.migrate()]);
    const lease = await first.lock.acquire('k', 'owner-a', 10_000);
    expect(lease).not.toBeNull();
    expect(await second.lock.acquire('k', 'owner-b', 10_000)).not.toBeNull();
    await Promise.all([first.close(), second.close()]);
  });
});
