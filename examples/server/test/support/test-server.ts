import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type BuildAppOptions, buildApp } from '../../src/build-app.js';
import { type ServerConfig, type StoreKind, testConfig } from '../../src/config.js';
import { DATABASE_URL, REDIS_URL } from './services.js';

export const ADMIN = 'test-admin-token-0123456789';

/** A unique tag per app: its Redis prefix and PostgreSQL schema, so runs never see each other. */
function uniqueTag(): string {
  return `t${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

/** An app on `store` with a fresh key prefix / schema; `dispose()` closes it and removes its data. */
export async function startTestApp(
  store: StoreKind,
  overrides: Partial<ServerConfig> = {},
  options: BuildAppOptions = {},
): Promise<FastifyInstance & { dispose(): Promise<void> }> {
  const tag = uniqueTag();
  const config = testConfig({
    store,
    redisUrl: REDIS_URL,
    databaseUrl: DATABASE_URL,
    redisPrefix: `outcry_server_${tag}:`,
    pgSchema: `outcry_server_${tag}`,
    partitions: 4,
    closeGraceMs: 100,
    ...overrides,
  });
  const app = await buildApp(config, options);
  return Object.assign(app, {
    async dispose() {
      await app.close();
      await removeData(config);
    },
  });
}

async function removeData(config: ServerConfig): Promise<void> {
  if (config.store === 'redis' || config.store === 'hybrid') {
    const [{ Redis }, { deleteMatching }] = await Promise.all([import('ioredis'), import('@outcry/redis-adapter')]);
    const redis = new Redis(config.redisUrl);
    redis.on('error', () => undefined);
    await deleteMatching(redis, `${config.redisPrefix}*`).catch(() => undefined);
    redis.disconnect();
  }
  if (config.store === 'postgres' || config.store === 'hybrid') {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: config.databaseUrl });
    client.on('error', () => undefined);
    await client.connect();
    await client.query(`drop schema if exists "${config.pgSchema}" cascade`).catch(() => undefined);
    await client.end();
  }
}

/** A signed-in user: its token and a helper that sends requests with it. */
export interface SignedInUser {
  readonly userId: string;
  readonly token: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
}

/** A signed-in user of `app`. */
export async function signIn(app: FastifyInstance, userId: string): Promise<SignedInUser> {
  const response = await app.inject({ method: 'POST', url: '/session', payload: { userId } });
  if (response.statusCode !== 201) throw new Error(`sign-in failed: ${response.body}`);
  const { token } = response.json() as { token: string };
  return {
    userId,
    token,
    request(options: InjectOptions) {
      return app.inject({ ...options, headers: { authorization: `Bearer ${token}`, ...(options.headers ?? {}) } });
    },
  };
}

let counter = 0;
/** A fresh auction id. */
function auctionId(label = 'a'): string {
  counter++;
  return `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A valid create body ending `endsInMs` from now. */
export function auctionBody(overrides: Record<string, unknown> = {}, endsInMs = 60_000): Record<string, unknown> {
  return {
    id: auctionId(),
    title: 'Guitar',
    currency: 'USD',
    startingPrice: 1_000,
    increment: { type: 'fixed', amount: 100 },
    endsAt: Date.now() + endsInMs,
    ...overrides,
  };
}
