import { randomBytes } from 'node:crypto';
import { type BidJudging, DEFAULT_SHARED_PARTITIONS } from '@outcry/core';
import { z } from 'zod';
import { type TrustProxy, trustProxySchema } from './trust-proxy.js';

/** The ways the server can keep its auctions (see stores.ts). */
const STORES = ['memory', 'redis', 'postgres', 'hybrid'] as const;
export type StoreKind = (typeof STORES)[number];

/** Where the rate limits keep their buckets: `shared` is Redis when the store has it. */
const RATE_LIMIT_STORES = ['shared', 'process'] as const;
type RateLimitStore = (typeof RATE_LIMIT_STORES)[number];

/** The server's whole configuration, from the environment (`loadConfig`) or built by a test. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly store: StoreKind;
  readonly redisUrl: string;
  /** Seed nodes of a Redis Cluster (`host:port`); when set, STORE=redis and hybrid use the Cluster instead of REDIS_URL. */
  readonly redisClusterNodes: readonly RedisNodeAddress[] | null;
  readonly databaseUrl: string;
  /** Prefix of every Redis key and channel of this server. */
  readonly redisPrefix: string;
  /** PostgreSQL schema of this server's tables. */
  readonly pgSchema: string;
  /** Sequencer partitions; every process sharing a store uses the same number. */
  readonly partitions: number;
  /** HMAC-SHA256 key of user tokens. */
  readonly authSecret: string;
  /** How long a token from POST /session lives. */
  readonly tokenTtlMs: number;
  /** Bearer token of the admin routes; null turns them off. */
  readonly adminToken: string | null;
  /** POST /session hands out tokens to anyone who names a user. */
  readonly devLogin: boolean;
  readonly production: boolean;
  readonly bodyLimit: number;
  /** Bids (and buy-now) per user: steady rate per second and burst. */
  readonly bidRate: { readonly perSecond: number; readonly burst: number };
  /** Other writes (session, create, cancel) per user or address. */
  readonly writeRate: { readonly perSecond: number; readonly burst: number };
  /** `shared`: the buckets in Redis with STORE=redis or hybrid (one limit for every process), else in process. */
  readonly rateLimitStore: RateLimitStore;
  /** Which proxies in front are believed about the client's address (X-Forwarded-For). */
  readonly trustProxy: TrustProxy;
  /** Pages that may open /ws: the server's own (`same-origin`), or a list of origins. */
  readonly wsOrigins: 'same-origin' | readonly string[];
  /** Demo auctions and bots (memory store by default). */
  readonly demo: boolean;
  /** Processes to run with node:cluster (shared stores only). */
  readonly workers: number;
  readonly logLevel: string;
  /** Grace before an auction is closed, so that bids stamped before its end by another process arrive first. */
  readonly closeGraceMs: number;
  /** Where bids are judged on shared stores: by the partition's owner, or by the process that takes them. */
  readonly bidJudging: BidJudging;
}

/** One node of a Redis Cluster, as REDIS_CLUSTER_NODES names it. */
interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port,host:port`: the seed nodes of a Redis Cluster (one is enough; the client finds the rest). */
const redisClusterNodesSchema = z
  .string()
  .trim()
  .default('')
  .transform((value, ctx): RedisNodeAddress[] | null => {
    if (value === '') return null;
    const nodes: RedisNodeAddress[] = [];
    for (const entry of value.split(',').map((part) => part.trim())) {
      const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/.exec(entry);
      const port = Number(match?.[2]);
      if (match?.[1] === undefined || !(port >= 1 && port <= 65_535)) {
        ctx.addIssue({ code: 'custom', message: `host:port pairs, comma-separated; not "${entry}"` });
        return z.NEVER;
      }
      nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
    }
    return nodes;
  });

const flag = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no', ''])
  .transform((value) => (value === '' ? undefined : ['1', 'true', 'on', 'yes'].includes(value)));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The environment variables the server reads, with their defaults. */
export const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  STORE: z.enum(STORES).default('memory'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: redisClusterNodesSchema,
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/outcry'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[^{}]+$/, { error: 'must not contain braces' })
    .default('outcry:'),
  PG_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'lowercase letters, digits and underscores' })
    .default('outcry'),
  PARTITIONS: positiveInt(DEFAULT_SHARED_PARTITIONS).pipe(z.number().max(4096)),
  AUTH_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  TOKEN_TTL_HOURS: positiveInt(12),
  ADMIN_TOKEN: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  DEV_LOGIN: flag.optional(),
  BODY_LIMIT: positiveInt(64 * 1024),
  RATE_BIDS_PER_SEC: positiveInt(20),
  RATE_BIDS_BURST: positiveInt(50),
  RATE_WRITES_PER_SEC: positiveInt(5),
  RATE_WRITES_BURST: positiveInt(30),
  RATE_LIMIT_STORE: z.enum(RATE_LIMIT_STORES).default('shared'),
  TRUST_PROXY: trustProxySchema,
  WS_ORIGINS: z
    .string()
    .default('same-origin')
    .transform((value) =>
      value.trim() === 'same-origin'
        ? ('same-origin' as const)
        : value
            .split(',')
            .map((origin) => origin.trim())
            .filter((origin) => origin !== ''),
    )
    .refine((value) => value === 'same-origin' || value.every((origin) => /^https?:\/\/[^/\s]+$/.test(origin)), {
      error: "must be 'same-origin' or a comma-separated list of origins such as https://auctions.example",
    }),
  DEMO: flag.optional(),
  WORKERS: positiveInt(1).pipe(z.number().max(64)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CLOSE_GRACE_MS: z.coerce.number().int().min(0).max(10_000).default(250),
  BID_JUDGING: z.enum(['owner', 'anywhere']).default('owner'),
});

/** A configuration error: the message lists every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Reads and checks the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && e.AUTH_SECRET === undefined) {
    throw new ConfigError('AUTH_SECRET is required when NODE_ENV=production (at least 32 characters).');
  }
  const config: ServerConfig = {
    port: e.PORT,
    host: e.HOST,
    store: e.STORE,
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES,
    databaseUrl: e.DATABASE_URL,
    redisPrefix: e.REDIS_PREFIX,
    pgSchema: e.PG_SCHEMA,
    partitions: e.PARTITIONS,
    // A random secret per process in development: tokens die with the process, which is what a
    // dev login wants. Workers of one cluster get the primary's (see main.ts).
    authSecret: e.AUTH_SECRET ?? randomBytes(32).toString('base64url'),
    tokenTtlMs: e.TOKEN_TTL_HOURS * 3_600_000,
    adminToken: e.ADMIN_TOKEN ?? null,
    devLogin: e.DEV_LOGIN ?? !production,
    production,
    bodyLimit: e.BODY_LIMIT,
    bidRate: { perSecond: e.RATE_BIDS_PER_SEC, burst: e.RATE_BIDS_BURST },
    writeRate: { perSecond: e.RATE_WRITES_PER_SEC, burst: e.RATE_WRITES_BURST },
    rateLimitStore: e.RATE_LIMIT_STORE,
    trustProxy: e.TRUST_PROXY,
    wsOrigins: e.WS_ORIGINS,
    demo: e.DEMO ?? e.STORE === 'memory',
    workers: e.WORKERS,
    logLevel: e.LOG_LEVEL,
    closeGraceMs: e.CLOSE_GRACE_MS,
    bidJudging: e.BID_JUDGING,
  };
  if (config.workers > 1 && config.store !== 'redis' && config.store !== 'hybrid') {
    throw new ConfigError(
      `WORKERS=${config.workers} needs STORE=redis or STORE=hybrid: the processes share their auctions through Redis (STORE=${config.store}).`,
    );
  }
  return config;
}

/** A configuration for tests and embedding: the defaults, in memory, no demo, quiet. */
export function testConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    ...loadConfig({ NODE_ENV: 'test', DEMO: '0', LOG_LEVEL: 'silent', PORT: '0' }),
    adminToken: 'test-admin-token-0123456789',
    // Tests send many requests as few users; the limits have tests of their own.
    bidRate: { perSecond: 100_000, burst: 100_000 },
    writeRate: { perSecond: 100_000, burst: 100_000 },
    ...overrides,
  };
}
