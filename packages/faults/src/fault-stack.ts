import { randomBytes } from 'node:crypto';
import { type AuctionHouse, type Backend, composeBackend, createAuctionHouse } from '@outcry/core';
import type { AuctionStore, Lock } from '@outcry/core/adapter-kit';
import { createPostgresAdapters, type PostgresAdapters } from '@outcry/postgres-adapter';
import { createRedisAdapters } from '@outcry/redis-adapter';
import { Redis } from 'ioredis';

/** The memory-free compositions: everything on Redis, everything on PostgreSQL, or the ledger on PostgreSQL and the rest on Redis. */
export type StackName = 'redis' | 'postgres' | 'hybrid';

/** Where a stack's servers are. */
export interface StackServers {
  readonly redisUrl?: string;
  readonly postgresUrl?: string;
}

/** Settings of the houses of a stack. */
export interface StackSettings {
  readonly partitions: number;
  readonly leaseTtlMs: number;
  readonly answerTimeoutMs: number;
}

/** A Redis client as a server process makes one: a short retry budget per command, auto-pipelining. */
function redisClient(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 3_000, enableAutoPipelining: true });
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Houses on one stack, each on adapters of its own (its own connections, as separate processes
 * would have), sharing the servers and one key prefix or schema.
 */
export class FaultStack {
  readonly name: StackName;
  readonly settings: StackSettings;
  readonly houses: AuctionHouse[] = [];
  readonly #servers: StackServers;
  readonly #prefix = `outcry-faults:${randomBytes(4).toString('hex')}:`;
  readonly #schema = `outcry_faults_${randomBytes(4).toString('hex')}`;
  readonly #backends: Backend[] = [];
  #stopping: Promise<void> | null = null;

  constructor(name: StackName, servers: StackServers, settings: StackSettings) {
    this.name = name;
    this.#servers = servers;
    this.settings = settings;
  }

  get #redisUrl(): string {
    if (this.#servers.redisUrl === undefined) throw new Error(`The ${this.name} stack needs a Redis.`);
    return this.#servers.redisUrl;
  }

  get #postgresUrl(): string {
    if (this.#servers.postgresUrl === undefined) throw new Error(`The ${this.name} stack needs a PostgreSQL.`);
    return this.#servers.postgresUrl;
  }

  /** Redis adapters on a client of their own, which their close() disconnects. */
  #redisBackend(): Backend {
    const redis = redisClient(this.#redisUrl);
    const adapters = createRedisAdapters({ redis, prefix: this.#prefix, partitions: this.settings.partitions });
    return {
      ...adapters,
      close: async () => {
        await adapters.close();
        redis.disconnect();
      },
    };
  }

  #postgresAdapters(): PostgresAdapters {
    const adapters = createPostgresAdapters({
      connectionString: this.#postgresUrl,
      schema: this.#schema,
      partitions: this.settings.partitions,
      poolSize: 5,
      maxReconnectMs: 500,
    });
    adapters.pool.on('error', () => undefined);
    return adapters;
  }

  /** The backend of one process on this stack. */
  #openBackend(): Backend {
    if (this.name === 'redis') return this.#redisBackend();
    const pg = this.#postgresAdapters();
    if (this.name === 'postgres') return pg;
    const redis = this.#redisBackend();
    return composeBackend({ store: pg, queue: redis, lock: redis, broadcaster: redis, cache: redis });
  }

  /** Creates the schema of a stack with a PostgreSQL store. */
  async prepare(): Promise<void> {
    if (this.name === 'redis') return;
    const pg = this.#postgresAdapters();
    try {
      await pg.migrate();
    } finally {
      await pg.close();
    }
  }

  /** A house on ports of its own, started. */
  async addHouse(houseId: string): Promise<AuctionHouse> {
    const backend = this.#openBackend();
    this.#backends.push(backend);
    const house = createAuctionHouse({
      backend,
      houseId,
      partitions: this.settings.partitions,
      leaseTtlMs: this.settings.leaseTtlMs,
      answerTimeoutMs: this.settings.answerTimeoutMs,
    });
    this.houses.push(house);
    await house.start();
    return house;
  }

  /** Runs `use` with a store and lock of this stack on fresh connections (to check or to set up). */
  async withPorts<T>(use: (ports: { store: AuctionStore; lock: Lock }) => Promise<T>): Promise<T> {
    const backend = this.#openBackend();
    try {
      return await use({ store: backend.store, lock: backend.lock });
    } finally {
      await backend.close();
    }
  }

  /** Stops every house, then closes their ports. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.allSettled(this.houses.map((house) => house.stop()));
      await Promise.allSettled(this.#backends.map((backend) => backend.close()));
    })();
    return this.#stopping;
  }
}
