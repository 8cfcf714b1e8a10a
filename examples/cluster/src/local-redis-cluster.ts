import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';
import { type LineLog, stopProcess, waitFor } from './processes.js';

const run = promisify(execFile);
/** A cluster node's bus listens this far above its port. */
const BUS_OFFSET = 10_000;

const cli = async (port: number, ...args: string[]) =>
  (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout;

/** A Redis Cluster of masters only, on loopback, in memory, in a temporary folder. */
export class LocalRedisCluster {
  readonly ports: readonly number[];
  readonly #servers: readonly ChildProcess[];
  readonly #folder: string;

  private constructor(ports: number[], servers: ChildProcess[], folder: string) {
    this.ports = ports;
    this.#servers = servers;
    this.#folder = folder;
  }

  /** `host:port,...`: what REDIS_CLUSTER_NODES takes. */
  get nodes(): string {
    return this.ports.map((port) => `127.0.0.1:${port}`).join(',');
  }

  get pids(): number[] {
    return this.#servers.map((server) => server.pid as number);
  }

  /**
   * Starts `masters` redis-server nodes (3 at least: redis-cli's rule; in process groups of their
   * own when `detached`), joins them, waits for cluster_state:ok.
   */
  static async start(masters: number, log: LineLog, detached: boolean): Promise<LocalRedisCluster> {
    const folder = mkdtempSync(join(tmpdir(), 'outcry-cluster-redis-'));
    const ports: number[] = [];
    const servers: ChildProcess[] = [];
    const cluster = new LocalRedisCluster(ports, servers, folder);
    try {
      for (let i = 0; i < masters; i++) {
        const port = await freePort('127.0.0.1', BUS_OFFSET);
        ports.push(port);
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
          ],
          { stdio: ['ignore', 'pipe', 'pipe'], detached },
        );
        log.attach(`redis-${port}`, server);
        servers.push(server);
      }
      for (const port of ports)
        await waitFor(
          async () => (await cli(port, 'ping').catch(() => '')).trim() === 'PONG',
          10_000,
          `redis-server on ${port}`,
        );
      await run('redis-cli', [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ]);
      for (const port of ports)
        await waitFor(
          async () => (await cli(port, 'cluster', 'info').catch(() => '')).includes('cluster_state:ok'),
          20_000,
          `cluster_state:ok on ${port}`,
        );
      log.say(`Redis Cluster of ${masters} masters on ${cluster.nodes}`);
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  /** Stops every node and removes the folder. */
  async stop(): Promise<void> {
    await Promise.all(this.#servers.map((server) => stopProcess(server, 'SIGTERM', 5_000)));
    rmSync(this.#folder, { recursive: true, force: true });
  }

  kill(): void {
    for (const server of this.#servers) server.kill('SIGKILL');
  }
}
