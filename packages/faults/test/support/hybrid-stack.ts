import { randomBytes } from 'node:crypto';
import { composeBackend } from '@outcry/core';
import type { StackFactory, StackProcess } from '@outcry/core/testing';
import { createPostgresAdapters, type PostgresAdapters } from '@outcry/postgres-adapter';
import { createRedisAdapters, type RedisAdapters } from '@outcry/redis-adapter';
import { Redis } from 'ioredis';
import { DATABASE_URL, REDIS_URL } from './shared-services.js';

/** One process of the hybrid stack: both adapters' sets, of which the house gets PostgreSQL's store only. */
export interface HybridProcess extends StackProcess {
  readonly redis: RedisAdapters;
  readonly postgres: PostgresAdapters;
}

/** One isolated hybrid instance: a key prefix in the shared Redis, a schema in the shared PostgreSQL. */
export interface HybridInstance {
  /** A process's adapters; `databaseUrl` reaches the same PostgreSQL another way (a proxy of its own). */
  connect(options?: { readonly partitions?: number; readonly databaseUrl?: string }): HybridProcess;
  close(): Promise<void>;
}

async function deleteKeys(prefix: string): Promise<void> {
  const client = new Redis(REDIS_URL);
  try {
    for await (const keys of client.scanStream({ match: `${prefix}*`, count: 500 }) as AsyncIterable<string[]>)
      if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

/** A fresh hybrid instance laid out for `partitions`: the ledger on PostgreSQL, everything fast on Redis. */
export async function hybridInstance(partitions: number): Promise<HybridInstance> {
  const tag = randomBytes(4).toString('hex');
  const prefix = `outcry-hybrid:${process.pid}:${tag}:`;
  const schema = `outcry_hybrid_${process.pid}_${tag}`;
  const connect = (options: { readonly partitions?: number; readonly databaseUrl?: string } = {}): HybridProcess => {
    const count = options.partitions ?? partitions;
    const redis = createRedisAdapters({ redis: REDIS_URL, prefix, partitions: count });
    const connectionString = options.databaseUrl ?? DATABASE_URL;
    const postgres = createPostgresAdapters({ connectionString, schema, partitions: count });
    return {
      redis,
      postgres,
      // Redis gives every port but the store; the store, the database of record, is PostgreSQL's.
      backend: composeBackend({ store: postgres, queue: redis, lock: redis, broadcaster: redis, cache: redis }),
      close: async () => {
        await redis.close();
        await postgres.close();
      },
    };
  };
  const migrating = connect();
  await migrating.postgres.migrate();
  return {
    connect,
    close: async () => {
      await migrating.postgres.pool.query(`drop schema if exists "${schema}" cascade`);
      await migrating.close();
      await deleteKeys(prefix);
    },
  };
}

export const hybridStack: StackFactory = ({ partitions }) => hybridInstance(partitions);
