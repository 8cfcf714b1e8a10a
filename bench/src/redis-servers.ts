/**
 * Redis servers of the bench's own, started from `redis-server` on free loopback ports in a
 * temporary folder (in memory only), so that a measurement's Redis CPU is its own and each
 * server's pid can be given a CPU quota. A cluster is joined by hand (CLUSTER ADDSLOTSRANGE and
 * MEET), which works for one master as well as for several.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionTag } from '@outcry/redis-adapter';
import { Redis } from 'ioredis';

const SLOTS = 16_384;
/** A cluster node's bus listens this far above its port. */
const BUS_OFFSET = 10_000;

/** Whether `redis-server` can be started here. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

/** One running redis-server. */
export interface RedisNode {
  readonly port: number;
  readonly pid: number;
  readonly url: string;
}

/** Servers started together, stopped together. */
export interface RedisServers {
  readonly nodes: readonly RedisNode[];
  /** Stops every server and removes the folder. */
  stop(): Promise<void>;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port the system says is free (and, for a cluster node, its bus port too). */
async function freePort(withBus: boolean): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: chosen } = server.address() as { port: number };
        server.close(() => resolve(chosen));
      });
    });
    if (!withBus) return port;
    if (port + BUS_OFFSET < 65_536 && (await portIsFree(port + BUS_OFFSET))) return port;
  }
  throw new Error('no free port pair for a Redis Cluster node');
}

async function waitFor(condition: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function withNode<T>(port: number, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts `count` redis-server processes (cluster-enabled when `cluster`); a cluster's nodes are
 * then given equal slot ranges, met, and waited for until every node reports `cluster_state:ok`
 * with all of them known.
 */
export async function startRedisServers(count: number, options: { cluster: boolean }): Promise<RedisServers> {
  const folder = mkdtempSync(join(tmpdir(), 'outcry-bench-redis-'));
  const processes: ChildProcess[] = [];
  const nodes: RedisNode[] = [];
  const stop = async () => {
    await Promise.all(
      processes.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (server.exitCode !== null || server.signalCode !== null) return resolve();
            server.once('exit', () => resolve());
            server.kill('SIGKILL');
          }),
      ),
    );
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort(options.cluster);
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', folder, '--save', '', '--appendonly', 'no'];
      if (options.cluster)
        args.push(
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(folder, `nodes-${port}.conf`),
          // A node alone never learns its address from a peer: CLUSTER SLOTS would name it "".
          '--cluster-announce-ip',
          '127.0.0.1',
        );
      const server = spawn('redis-server', args, { stdio: 'ignore' });
      processes.push(server);
      if (server.pid === undefined) throw new Error('redis-server did not start');
      nodes.push({ port, pid: server.pid, url: `redis://127.0.0.1:${port}` });
    }
    for (const node of nodes)
      await waitFor(
        () => withNode(node.port, async (r) => (await r.ping()) === 'PONG'),
        10_000,
        `redis-server on ${node.port}`,
      );
    if (options.cluster) await joinCluster(nodes);
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function joinCluster(nodes: readonly RedisNode[]): Promise<void> {
  const share = Math.ceil(SLOTS / nodes.length);
  for (const [i, node] of nodes.entries()) {
    const first = i * share;
    const last = Math.min(SLOTS, first + share) - 1;
    await withNode(node.port, (r) => r.call('CLUSTER', 'ADDSLOTSRANGE', String(first), String(last)));
  }
  const [first, ...others] = nodes;
  if (first === undefined) return;
  for (const node of others)
    await withNode(first.port, (r) => r.call('CLUSTER', 'MEET', '127.0.0.1', String(node.port)));
  for (const node of nodes) {
    await waitFor(
      () =>
        withNode(node.port, async (r) => {
          const info = String(await r.call('CLUSTER', 'INFO'));
          return (
            info.includes('cluster_state:ok') &&
            info.includes(`cluster_known_nodes:${nodes.length}\r`) &&
            info.includes(`cluster_slots_ok:${SLOTS}\r`)
          );
        }),
      20_000,
      `cluster_state:ok on ${node.port}`,
    );
  }
}

/** What a Redis server has used so far: CPU seconds (user + sys, every thread) and bytes from and to clients. */
export interface RedisUsage {
  readonly cpuSeconds: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
}

/** INFO's cpu and stats sections, read with one call. */
export async function redisUsage(redis: Pick<Redis, 'info'>): Promise<RedisUsage> {
  const info = await redis.info();
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return {
    cpuSeconds: field('used_cpu_user') + field('used_cpu_sys'),
    bytesIn: field('total_net_input_bytes'),
    bytesOut: field('total_net_output_bytes'),
  };
}

/**
 * How many of `partitions` partitions each node of a cluster holds: a partition's keys carry the
 * hash tag `partitionTag(n, partitions)`, whose slot is CLUSTER KEYSLOT's, and CLUSTER SLOTS says
 * whose it is.
 */
export async function partitionsPerNode(nodes: readonly RedisNode[], partitions: number): Promise<number[]> {
  const [first] = nodes;
  if (first === undefined) return [];
  return withNode(first.port, async (redis) => {
    const ranges = (await redis.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number, ...unknown[]]]>;
    const counts = nodes.map(() => 0);
    for (let p = 0; p < partitions; p++) {
      const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', `{${partitionTag(p, partitions)}}`));
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      const at = nodes.findIndex((node) => node.port === Number(range?.[2][1]));
      if (at >= 0) counts[at] = (counts[at] ?? 0) + 1;
    }
    return counts;
  });
}
