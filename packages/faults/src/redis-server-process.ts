import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { killHard, type ServerProcess, stopGently } from './server-process.js';
import { waitUntil } from './wait-until.js';

/**
 * What a Redis keeps across a restart: nothing (`none`: it comes back empty), or an append-only
 * file written before each reply (`aof`, appendfsync everysec: a killed process loses nothing it
 * acknowledged; a crash of the machine could lose the last second).
 */
export type RedisPersistence = 'none' | 'aof';

/** A redis-server of its own, on a free loopback port, in a temporary folder. */
export class RedisServerProcess implements ServerProcess {
  readonly port: number;
  readonly folder: string;
  readonly persistence: RedisPersistence;
  #child: ChildProcess | null = null;

  private constructor(port: number, folder: string, persistence: RedisPersistence) {
    this.port = port;
    this.folder = folder;
    this.persistence = persistence;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(persistence: RedisPersistence): Promise<RedisServerProcess> {
    const folder = await mkdtemp(join(tmpdir(), 'outcry-faults-redis-'));
    const server = new RedisServerProcess(await freePort(), folder, persistence);
    await server.restart();
    return server;
  }

  async restart(): Promise<void> {
    const persistent = this.persistence === 'aof';
    this.#child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.folder,
        '--save',
        '',
        '--appendonly',
        persistent ? 'yes' : 'no',
        '--appendfsync',
        'everysec',
      ],
      { stdio: 'ignore' },
    );
    await waitUntil(() => this.answers(), 10_000, `redis-server on port ${this.port}`);
  }

  kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    return killHard(child);
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    await stopGently(child);
    await rm(this.folder, { recursive: true, force: true });
  }

  /** Whether the server answers PING and has loaded its data. */
  async answers(): Promise<boolean> {
    const probe = new Redis(this.port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1_000,
    });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      probe.disconnect();
    }
  }
}
