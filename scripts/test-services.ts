// Vitest's global setup for `npm test`: the adapters' suites need a real Redis and PostgreSQL.
// It creates the test database when the server lacks it, and fails the run at once, naming what
// is missing and how to start it, unless SKIP_SERVICES=1 asks to skip those suites instead.
import { Redis } from 'ioredis';
import pg from 'pg';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function redisProblem(): Promise<string | null> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    return `Redis at ${REDIS_URL} does not answer (${(error as Error).message}): start it with  redis-server --daemonize yes --save '' --appendonly no  or set REDIS_URL`;
  } finally {
    redis.disconnect();
  }
}

async function query(connectionString: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(text);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function postgresProblem(): Promise<string | null> {
  const url = new URL(DATABASE_URL);
  const name = decodeURIComponent(url.pathname.slice(1));
  try {
    await query(DATABASE_URL, 'select 1');
    return null;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') {
      return `PostgreSQL at ${DATABASE_URL} does not answer (${(error as Error).message}): start it (e.g. pg_ctlcluster <version> main start) or set DATABASE_URL`;
    }
  }
  url.pathname = '/postgres';
  try {
    await query(url.toString(), `create database "${name.replaceAll('"', '""')}"`);
    console.log(`[tests] created the PostgreSQL database "${name}" for the tests`);
    return null;
  } catch (error) {
    if ((error as { code?: string }).code === '42P04') return null;
    return `PostgreSQL has no database "${name}" and it could not be created (${(error as Error).message}): run  psql -c 'create database "${name}"'  or set DATABASE_URL`;
  }
}

export async function setup(): Promise<void> {
  const problems = (await Promise.all([redisProblem(), postgresProblem()])).filter((p): p is string => p !== null);
  if (problems.length === 0 || process.env.SKIP_SERVICES === '1') return;
  throw new Error(
    `The tests need Redis and PostgreSQL:\n  ${problems.join('\n  ')}\n` +
      'Or run SKIP_SERVICES=1 npm test to skip the suites that need them.',
  );
}
