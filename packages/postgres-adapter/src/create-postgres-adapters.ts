import {
  type Backend,
  type BackendCapabilities,
  connectionErrorLog,
  DEFAULT_SHARED_PARTITIONS,
  type HouseLogger,
  OutcryError,
  silentLogger,
} from '@outcry/core';
import { assertPartitionCount, MemorySnapshotCache } from '@outcry/core/adapter-kit';
import pg from 'pg';
import { type MigrationReport, migrate } from './migrate.js';
import { NotificationListener } from './notification-listener.js';
import { PostgresAuctionStore } from './postgres-auction-store.js';
import { PostgresBidQueue } from './postgres-bid-queue.js';
import { PostgresBroadcaster } from './postgres-broadcaster.js';
import { PostgresLock } from './postgres-lock.js';
import { validateSchemaName } from './schema-name.js';
import { buildStatements } from './sql.js';

/** Options of `createPostgresAdapters`: a caller's pool, or a connection string for a pool of our own. */
export type PostgresAdaptersOptions = (
  | {
      /** The caller's pool: used, never ended by `close()`. Give it an `error` listener. */
      readonly pool: pg.Pool;
      readonly connectionString?: undefined;
    }
  | {
      /** A pool is created from it, and ended by `close()`. */
      readonly connectionString: string;
      readonly pool?: undefined;
      /** Size of the created pool (10). Mind max_connections: every process holds this many plus one listening connection. */
      readonly poolSize?: number;
    }
) & {
  /** The schema that holds every table ('outcry'): lowercase letters, digits, underscores. */
  readonly schema?: string;
  /** Sequencer partitions (4, `DEFAULT_SHARED_PARTITIONS`); a house on these adapters takes it. */
  readonly partitions?: number;
  /** Cap of the listening connection's reconnect delay (5,000 ms). */
  readonly maxReconnectMs?: number;
  /**
   * Transactions of group commits this process keeps in flight at once (1); each partition has
   * at most one. Commits that arrive meanwhile wait and go out together in one transaction.
   */
  readonly maxCommitsInFlight?: number;
  /**
   * Where errors of the connections the adapters make are written (pino's convention; the
   * house's logger fits): the listening connection, and the pool made from a connection string.
   * Silent by default; errors of a pool you pass are yours to listen to.
   */
  readonly logger?: HouseLogger;
};

/**
 * The ports on PostgreSQL as a Backend for `createAuctionHouse({ backend })` (with a cache in
 * this process's memory), plus schema and life-cycle calls.
 */
export interface PostgresAdapters extends Backend {
  readonly store: PostgresAuctionStore;
  readonly queue: PostgresBidQueue;
  readonly lock: PostgresLock;
  readonly broadcaster: PostgresBroadcaster;
  readonly cache: MemorySnapshotCache;
  readonly fencing: PostgresAuctionStore;
  readonly partitions: number;
  /** The schema in use. */
  readonly schema: string;
  /** The pool every query goes through (the caller's, or the one created here). */
  readonly pool: pg.Pool;
  /** The dedicated LISTEN connection shared by the queue and the broadcaster. */
  readonly listener: NotificationListener;
  /** Create or upgrade the schema; safe to call twice and from several processes at once. */
  migrate(): Promise<MigrationReport>;
  /** Close the listening connection, and the pool when it was created here. */
  close(): Promise<void>;
}

/** A partition's commits go out in the order sent; each commit transaction checks the fencing token. */
const POSTGRES_CAPABILITIES: BackendCapabilities = {
  commitsInOrder: true,
  commitPublishes: false,
  commitFillsCache: false,
  queueInProcess: false,
  cacheShared: false,
  fencing: true,
  solePublisher: false,
  directCommands: false,
};

/**
 * PostgreSQL adapters for an AuctionHouse: `createAuctionHouse({ backend: createPostgresAdapters(options) })`.
 * Call `migrate()` once before the house starts.
 */
export function createPostgresAdapters(options: PostgresAdaptersOptions): PostgresAdapters {
  const schema = validateSchemaName(options.schema ?? 'outcry');
  const partitions = options.partitions ?? DEFAULT_SHARED_PARTITIONS;
  assertPartitionCount(partitions);
  const maxCommitsInFlight = options.maxCommitsInFlight ?? 1;
  if (!Number.isInteger(maxCommitsInFlight) || maxCommitsInFlight < 1) {
    throw new OutcryError('INVALID_INPUT', 'maxCommitsInFlight must be an integer of at least 1.');
  }
  let pool: pg.Pool;
  let ownsPool: boolean;
  if (options.pool !== undefined) {
    pool = options.pool;
    ownsPool = false;
  } else if (typeof options.connectionString === 'string') {
    pool = new pg.Pool({ connectionString: options.connectionString, max: options.poolSize ?? 10 });
    // An idle client whose server connection dies emits `error` on the pool; without a listener
    // that would crash the process. The pool drops the client and the next query gets a new one.
    pool.on('error', connectionErrorLog(options.logger ?? silentLogger, 'PostgreSQL pool'));
    ownsPool = true;
  } else {
    throw new OutcryError('INVALID_INPUT', 'createPostgresAdapters needs a pool or a connectionString.');
  }
  const statements = buildStatements(schema);
  const listener = new NotificationListener({
    connection: { ...(pool.options as pg.ClientConfig) },
    logger: options.logger ?? silentLogger,
    ...(options.maxReconnectMs === undefined ? {} : { maxReconnectMs: options.maxReconnectMs }),
  });
  const store = new PostgresAuctionStore(pool, statements, { maxCommitsInFlight, partitions });
  const queue = new PostgresBidQueue(pool, statements, listener, `${schema}_queue`);
  const lock = new PostgresLock(pool, statements);
  const broadcaster = new PostgresBroadcaster(pool, statements, listener, `${schema}_broadcast`);
  let closing: Promise<void> | null = null;
  return {
    store,
    queue,
    lock,
    broadcaster,
    cache: new MemorySnapshotCache(),
    capabilities: POSTGRES_CAPABILITIES,
    fencing: store,
    partitions,
    schema,
    pool,
    listener,
    migrate: () => migrate(pool, schema),
    close() {
      closing ??= (async () => {
        await Promise.allSettled([queue.close(), broadcaster.close()]);
        await listener.close();
        if (ownsPool) await pool.end();
      })();
      return closing;
    },
  };
}
