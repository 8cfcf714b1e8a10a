import pg from 'pg';
import { createPostgresAdapters, type PostgresAdapters } from '../../src/index.js';
import { quoteIdentifier } from '../../src/schema-name.js';

/** The database every test of this package uses. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** With CI=true or REQUIRE_SERVICES=1 a database that does not answer fails the run instead of skipping it. */
const servicesRequired = process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1';

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const failure = await probe();
if (failure !== null && servicesRequired) {
  throw new Error(`PostgreSQL at ${DATABASE_URL} does not answer (${failure}), and CI/REQUIRE_SERVICES requires it.`);
}
if (failure !== null) {
  console.warn(
    `[postgres-adapter] SKIPPING: PostgreSQL at ${DATABASE_URL} does not answer (${failure}). ` +
      'Set DATABASE_URL, or CI=true / REQUIRE_SERVICES=1 to make this a failure.',
  );
}

/** True when the suite must be skipped because no database answers (and none is required). */
export const noDatabase = failure !== null;

/** A schema name no other run uses: `outcry_test_<pid>_<random>`. */
export function freshSchemaName(tag = 'test'): string {
  return `outcry_${tag}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** A pool for tests, with the `error` listener a pool needs when backends are terminated. */
export function testPool(max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max });
  pool.on('error', () => undefined);
  return pool;
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`drop schema if exists ${quoteIdentifier(schema)} cascade`);
  } finally {
    await client.end();
  }
}

/** Fresh, migrated adapters on their own schema; `dispose()` closes them and drops the schema. */
export async function migratedAdapters(
  options: { schema?: string; partitions?: number } = {},
): Promise<PostgresAdapters & { dispose(): Promise<void> }> {
  const schema = options.schema ?? freshSchemaName();
  const adapters = createPostgresAdapters({
    connectionString: DATABASE_URL,
    schema,
    ...(options.partitions === undefined ? {} : { partitions: options.partitions }),
  });
  await adapters.migrate();
  return {
    ...adapters,
    async dispose() {
      await adapters.close();
      await dropSchema(schema);
    },
  };
}
