import type { StoreKind } from '../../src/config.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** With CI=true or REQUIRE_SERVICES=1 a service that does not answer fails the run instead of skipping. */
export const servicesRequired = process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1';

async function probeRedis(): Promise<string | null> {
  const { Redis } = await import('ioredis');
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
    return error instanceof Error ? error.message : String(error);
  } finally {
    redis.disconnect();
  }
}

async function probePostgres(): Promise<string | null> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
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

/**
 * The stores the API tests run against: memory always, redis and postgres when they answer, and
 * hybrid when both do.
 * A missing service is a failure under CI/REQUIRE_SERVICES, else a skip with a clear warning.
 */
export async function usableStores(): Promise<StoreKind[]> {
  const stores: StoreKind[] = ['memory'];
  const probes = [
    ['redis', `Redis at ${REDIS_URL}`, await probeRedis()],
    ['postgres', `PostgreSQL at ${DATABASE_URL}`, await probePostgres()],
  ] as const;
  for (const [store, what, failure] of probes) {
    if (failure === null) {
      stores.push(store);
      continue;
    }
    if (servicesRequired) throw new Error(`${what} does not answer (${failure}), and CI/REQUIRE_SERVICES requires it.`);
    console.warn(
      `[server] SKIPPING STORE=${store} tests: ${what} does not answer (${failure}). Set CI=true or REQUIRE_SERVICES=1 to make this a failure.`,
    );
  }
  // The PostgreSQL ledger with Redis queue, lock, broadcaster and cache, when both answer.
  if (stores.includes('redis') && stores.includes('postgres')) stores.push('hybrid');
  return stores;
}
