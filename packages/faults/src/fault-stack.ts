import { randomBytes } from 'node:crypto';
import { type AuctionHouse, type AuctionHouseOptions, createAuctionHouse } from '@outcry/core';
import type { AuctionStore, Lock } from '@outcry/core/adapter-kit';
import { createPostgresAdapters, type PostgresAdapters } from '@outcry/postgres-adapter';
import { createRedisAdapters, type RedisAdapters } from '@outcry/redis-adapter';
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

/** One process's worth of adapters: the ports for a house, and their closing. */
interface Ports {
  readonly options: AuctionHouseOptions;
  close(): Promise<void>;
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
  readonly #ports: Ports[] = [];
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

  #redisAdapters(): { adapters: RedisAdapters; close(): Promise<void> } {
    const redis = redisClient(this.#redisUrl);
    const adapters = createRedisAdapters({ redis, prefix: this.#prefix, partitions: this.settings.partitions });
    return {
      adapters,
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

  /** The ports of one process on this stack. */
  #openPorts(): Ports {
    if (this.name === 'redis') {
      const { adapters: a, close } = this.#redisAdapters();
      return {
        options: { store: a.store, queue: a.queue, lock: a.lock, broadcaster: a.broadcaster, cache: a.cache },
        close,
      };
    }
    const pg = this.#postgresAdapters();
    if (this.name === 'postgres') {
      const options = { store: pg.store, queue: pg.queue, lock: pg.lock, broadcaster: pg.broadcaster };
      return { options, close: () => pg.close() };
    }
    const { adapters: a, close } = this.#redisAdapters();
    return {
      options: { store: pg.store, queue: a.queue, lock: a.lock, broadcaster: a.broadcaster, cache: a.cache },
      close: async () => {
        await close();
        await pg.close();
      },
    };
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
    const ports = this.#openPorts();
    this.#ports.push(ports);
    const house = createAuctionHouse({
      ...ports.options,
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
    const ports = this.#openPorts();
    try {
      const { store, lock } = ports.options;
      if (store === undefined || lock === undefined) throw new Error('A stack has a store and a lock.');
      return await use({ store, lock });
    } finally {
      await ports.close();
    }
  }

  /** Stops every house, then closes their ports. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.allSettled(this.houses.map((house) => house.stop()));
      await Promise.allSettled(this.#ports.map((ports) => ports.close()));
    })();
    return this.#stopping;
  }
}
