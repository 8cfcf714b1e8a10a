import { Redis } from 'ioredis';
import pg from 'pg';

// The hybrid tests run on the Redis and PostgreSQL every adapter suite shares, not on servers of their own.
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function redisProblem(): Promise<string | null> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (error) {
    return `Redis at ${REDIS_URL} does not answer (${(error as Error).message})`;
  } finally {
    redis.disconnect();
  }
}

async function postgresProblem(): Promise<string | null> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return `PostgreSQL at ${DATABASE_URL} does not answer (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const problem = (await redisProblem()) ?? (await postgresProblem());
if (problem !== null && (process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1'))
  throw new Error(`${problem}, and CI/REQUIRE_SERVICES requires it.`);
if (problem !== null) console.warn(`[faults] SKIPPING the hybrid tests: ${problem}.`);

/** True when the hybrid suites must be skipped because a shared server does not answer (and none is required). */
export const noSharedServices = problem !== null;
