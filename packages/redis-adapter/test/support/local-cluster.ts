import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@outcry/core/testing';
import { Cluster, Redis } from 'ioredis';

const run = promisify(execFile);

/** A three-master Redis Cluster on loopback ports, in a temporary folder, for one test file. */
export class LocalCluster {
  readonly ports: number[];
  readonly folder: string;
  readonly #servers: ChildProcess[] = [];

  private constructor(ports: number[], folder: string) {
    this.ports = ports;
    this.folder = folder;
  }

  /** `host:port,...` of the nodes. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  /** Starts the nodes, joins them into one cluster (no replicas) and waits for cluster_state:ok. */
  static async start(basePort: number): Promise<LocalCluster> {
    const folder = await mkdtemp(join(tmpdir(), 'outcry-redis-cluster-'));
    const cluster = new LocalCluster([basePort, basePort + 1, basePort + 2], folder);
    try {
      for (const port of cluster.ports) {
        const server = spawn(
          'redis-server',
          [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(folder, `nodes-${port}.conf`),
            '--dir',
            folder,
            '--save',
            '',
            '--appendonly',
            'no',
            '--cluster-node-timeout',
            '2000',
          ],
          { stdio: 'ignore' },
        );
        cluster.#servers.push(server);
      }
      for (const port of cluster.ports) await eventually(() => ping(port), 10_000, `redis-server on ${port}`);
      await run('redis-cli', [
        '--cluster',
        'create',
        ...cluster.ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      for (const port of cluster.ports) {
        await eventually(
          async () => (await info(port)).includes('cluster_state:ok'),
          20_000,
          `cluster_state:ok on ${port}`,
        );
      }
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** An ioredis Cluster client on the nodes. */
  client(): Cluster {
    return new Cluster(this.ports.map((port) => ({ host: '127.0.0.1', port })));
  }

  /** Stops every node and removes the folder. */
  async stop(): Promise<void> {
    await Promise.all(
      this.#servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            if (server.exitCode !== null || server.signalCode !== null) return resolve();
            server.once('exit', () => resolve());
            server.kill('SIGTERM');
          }),
      ),
    );
    await rm(this.folder, { recursive: true, force: true });
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

const ping = (port: number) => withNode(port, async (redis) => (await redis.ping()) === 'PONG').catch(() => false);
const info = (port: number) => withNode(port, (redis) => redis.cluster('INFO') as Promise<string>).catch(() => '');
