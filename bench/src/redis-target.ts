/**
 * The Redis a scale-out point runs on, as its house processes and its parent see it: the
 * environment that points a child at it, an admin client for the ledger check and the clean-up,
 * and the CPU its servers have used (INFO cpu, summed over a Cluster's masters).
 */
import { Cluster, Redis } from 'ioredis';
import { type RedisNode, type RedisUsage, redisUsage } from './redis-servers.js';

export interface RedisTarget {
  /** What it is, for notes: `one redis-server`, `Redis Cluster of 3 masters`. */
  readonly label: string;
  /** Environment of a child process (`BENCH_REDIS_URL` or `BENCH_REDIS_CLUSTER`). */
  readonly env: Readonly<Record<string, string>>;
  /** A new client on it (the caller quits it). */
  client(): Redis | Cluster;
  /** What each of its servers has used so far. */
  usage(): Promise<RedisUsage[]>;
  close(): Promise<void>;
}

/** One Redis server, at `url`. */
export function singleRedis(url: string, label = 'one Redis'): RedisTarget {
  const admin = new Redis(url, { lazyConnect: false });
  return {
    label,
    env: { BENCH_REDIS_URL: url },
    client: () => new Redis(url),
    usage: async () => [await redisUsage(admin)],
    close: async () => {
      await admin.quit();
    },
  };
}

/** A Redis Cluster on `nodes` (every node a master). */
export function clusterRedis(nodes: readonly RedisNode[]): RedisTarget {
  const admins = nodes.map((node) => new Redis(node.url));
  const seeds = nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  return {
    label: `Redis Cluster of ${nodes.length} master${nodes.length === 1 ? '' : 's'}`,
    env: { BENCH_REDIS_CLUSTER: nodes.map((node) => `127.0.0.1:${node.port}`).join(',') },
    client: () => new Cluster(seeds),
    usage: () => Promise.all(admins.map((admin) => redisUsage(admin))),
    close: async () => {
      await Promise.all(admins.map((admin) => admin.quit()));
    },
  };
}
