import {
  type AuctionHouse,
  type AuctionHouseOptions,
  type Backend,
  composeBackend,
  connectionErrorLog,
  createAuctionHouse,
  type HouseLogger,
  silentLogger,
} from '@outcry/core';
import type { Cluster, Redis } from 'ioredis';
import type { ServerConfig } from './config.js';
import { ensureDatabase, MissingDatabaseError } from './postgres-database.js';

/** One dependency `/ready` checks. */
export interface ReadinessCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects (or times out) when it does not. */
  check(): Promise<void>;
}

/** The house and the connections under it, composed for one STORE. */
export interface StoreComposition {
  readonly house: AuctionHouse;
  readonly checks: readonly ReadinessCheck[];
  /** The Redis (or Redis Cluster) client of STORE=redis and hybrid (for the shared rate limits), else null. */
  readonly redis: Redis | Cluster | null;
  /** Closes the adapters and connections; call after `house.stop()`. */
  close(): Promise<void>;
}

/** Resources opened so far, closed in reverse order (also when composing fails halfway). */
type Closer = () => Promise<unknown>;

/**
 * Composes the AuctionHouse for `config.store`:
 * - `memory`: everything in this process (the default);
 * - `redis`: store, queue, lock, broadcaster and cache on Redis;
 * - `postgres`: store, queue, lock and broadcaster on PostgreSQL (cache in memory);
 * - `hybrid`: the durable PostgreSQL ledger, with queue, lock, broadcaster and cache on Redis.
 * Shared stores get the configured partitions and a close grace, since several processes take bids.
 * The house is returned not yet started.
 */
export async function composeStores(
  config: ServerConfig,
  logger: HouseLogger = silentLogger,
): Promise<StoreComposition> {
  const closers: Closer[] = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    closers.length = 0;
  };
  try {
    if (config.store === 'memory') {
      const house = createAuctionHouse({ closeGraceMs: 0, logger });
      return { house, checks: [], redis: null, close: async () => undefined };
    }
    const shared: AuctionHouseOptions = {
      partitions: config.partitions,
      closeGraceMs: config.closeGraceMs,
      bidJudging: config.bidJudging,
      logger,
    };
    const checks: ReadinessCheck[] = [];
    let postgres: Backend | null = null;
    let redisBackend: Backend | null = null;
    let client: Redis | Cluster | null = null;
    if (config.store === 'postgres' || config.store === 'hybrid') {
      const pg = await openPostgres(config, closers, logger);
      checks.push(pg.check);
      postgres = pg.adapters;
    }
    if (config.store === 'redis' || config.store === 'hybrid') {
      const redis = await openRedis(config, closers, logger);
      client = redis.redis;
      checks.push(redis.check);
      redisBackend = redis.adapters;
    }
    const backend =
      postgres !== null && redisBackend !== null
        ? composeBackend({
            store: postgres,
            queue: redisBackend,
            lock: redisBackend,
            broadcaster: redisBackend,
            cache: redisBackend,
          })
        : (postgres ?? redisBackend);
    if (backend === null) throw new Error(`No backend for STORE=${config.store}.`);
    return { house: createAuctionHouse({ backend, ...shared }), checks, redis: client, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

async function openRedis(config: ServerConfig, closers: Closer[], logger: HouseLogger) {
  const [{ Cluster, Redis }, { createRedisAdapters }] = await Promise.all([
    import('ioredis'),
    import('@outcry/redis-adapter'),
  ]);
  const options = { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 3_000 } as const;
  const nodes = config.redisClusterNodes;
  // Auto-pipelining: the sequencers' commits, cache writes and publishes of one tick share one
  // socket write. Not on a Cluster: there ioredis refuses an automatic pipeline whose keys fall in
  // slots of different nodes ("All keys in the pipeline should belong to the same slots allocation group").
  const redis =
    nodes === null
      ? new Redis(config.redisUrl, { ...options, enableAutoPipelining: true })
      : new Cluster(
          nodes.map((node) => ({ ...node })),
          { lazyConnect: true, redisOptions: options },
        );
  // Each new connection error is logged once (ioredis repeats it at every reconnect attempt).
  redis.on('error', connectionErrorLog(logger, nodes === null ? 'Redis' : 'Redis Cluster'));
  closers.push(() => redis.quit().catch(() => redis.disconnect()));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const where =
      nodes === null
        ? `Redis at ${redactUrl(config.redisUrl)} does not answer (${messageOf(error)}). Set REDIS_URL.`
        : `the Redis Cluster at ${nodes.map((node) => `${node.host}:${node.port}`).join(',')} does not answer (${messageOf(error)}). Set REDIS_CLUSTER_NODES.`;
    throw new Error(`STORE=${config.store}: ${where}`);
  }
  const adapters = createRedisAdapters({ redis, prefix: config.redisPrefix, partitions: config.partitions, logger });
  closers.push(() => adapters.close());
  const check: ReadinessCheck = {
    name: 'redis',
    check: async () => {
      await redis.ping();
    },
  };
  return { adapters, check, redis };
}

async function openPostgres(config: ServerConfig, closers: Closer[], logger: HouseLogger) {
  const [{ default: pg }, { createPostgresAdapters }] = await Promise.all([
    import('pg'),
    import('@outcry/postgres-adapter'),
  ]);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 10, connectionTimeoutMillis: 3_000 });
  // An idle client whose connection dies emits `error` on the pool: logged (without a listener, a crash).
  pool.on('error', connectionErrorLog(logger, 'PostgreSQL pool'));
  closers.push(() => pool.end());
  try {
    await ensureDatabase(pool, pg, config.databaseUrl);
  } catch (error) {
    const what = error instanceof MissingDatabaseError ? messageOf(error) : `does not answer (${messageOf(error)})`;
    throw new Error(`STORE=${config.store}: PostgreSQL at ${redactUrl(config.databaseUrl)} ${what}. Set DATABASE_URL.`);
  }
  const adapters = createPostgresAdapters({ pool, schema: config.pgSchema, partitions: config.partitions, logger });
  closers.push(() => adapters.close());
  await adapters.migrate();
  const check: ReadinessCheck = {
    name: 'postgres',
    check: async () => {
      await pool.query('select 1');
    },
  };
  return { adapters, check, pool };
}

/** A URL without its password, for messages and logs. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
