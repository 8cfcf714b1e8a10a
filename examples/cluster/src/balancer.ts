import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { LUA_PARTITION_OF } from './assets.generated.js';
import { BACKEND, type HaproxyConfigOptions, haproxyConfig, ownerBackend } from './haproxy-config.js';
import { type LineLog, waitFor } from './processes.js';

/** Whether HAProxy is installed (`apt-get install haproxy` on Debian). */
export function hasHaproxy(): boolean {
  return spawnSync('haproxy', ['-v']).status === 0;
}

/** A server slot as HAProxy sees it now. */
export interface SlotStatus {
  readonly name: string;
  /** `UP`, `DOWN`, `MAINT`, `DRAIN`, `no check`... */
  readonly status: string;
  /** Sessions open to it (requests in flight and WebSocket tunnels). */
  readonly sessions: number;
}

/** What `Balancer.start` needs: the configuration's options, owner routes given by the partition count alone. */
export type BalancerOptions = Omit<HaproxyConfigOptions, 'socket' | 'ownerRoutes'> & {
  /** Route bids to the owner of their partition (`setRoutes` says who owns what); null: round robin. */
  readonly ownerRoutes: { readonly partitions: number } | null;
};

/** HAProxy in front of the servers, run in the foreground as a child of this process. */
export class Balancer {
  readonly #process: ChildProcess;
  readonly #socket: string;
  readonly #exited: Promise<void>;
  /** The owners map file, null without owner routes. */
  readonly #mapFile: string | null;
  /** The owners map as HAProxy holds it: partition -> slot. */
  #routes = new Map<number, string>();

  private constructor(child: ChildProcess, socket: string, mapFile: string | null) {
    this.#process = child;
    this.#socket = socket;
    this.#mapFile = mapFile;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    return this.#process.pid as number;
  }

  /**
   * Writes the configuration into `folder`, starts HAProxy (in a process group of its own when
   * `detached`) and waits until it answers on its socket.
   */
  static async start(folder: string, options: BalancerOptions, log: LineLog, detached: boolean): Promise<Balancer> {
    const socket = join(folder, 'haproxy.sock');
    const file = join(folder, 'haproxy.cfg');
    let ownerRoutes: HaproxyConfigOptions['ownerRoutes'] = null;
    if (options.ownerRoutes !== null) {
      ownerRoutes = {
        luaFile: join(folder, 'partition-of.lua'),
        mapFile: join(folder, 'owners.map'),
        partitions: options.ownerRoutes.partitions,
      };
      writeFileSync(ownerRoutes.luaFile, LUA_PARTITION_OF);
      writeFileSync(ownerRoutes.mapFile, '');
    }
    writeFileSync(file, haproxyConfig({ ...options, socket, ownerRoutes }));
    const check = spawnSync('haproxy', ['-c', '-q', '-f', file], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`HAProxy refused its configuration (${file}):\n${check.stderr}`);
    const child = spawn('haproxy', ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'], detached });
    log.attach('haproxy', child);
    const balancer = new Balancer(child, socket, ownerRoutes?.mapFile ?? null);
    let exited = false;
    void balancer.#exited.then(() => {
      exited = true;
    });
    await waitFor(
      async () => {
        if (exited) throw new Error(`HAProxy exited at start: ${log.tail('haproxy')}`);
        return (await balancer.command('show info').catch(() => '')).includes('Pid:');
      },
      10_000,
      'HAProxy to answer on its admin socket',
    );
    return balancer;
  }

  /** One command of HAProxy's runtime API; resolves with its answer. */
  command(text: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.#socket);
      const chunks: Buffer[] = [];
      socket.once('connect', () => socket.end(`${text}\n`));
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.once('error', reject);
      socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  }

  /** Every slot's status and open sessions (`show stat`). */
  async slots(): Promise<SlotStatus[]> {
    const [header, ...lines] = (await this.command('show stat')).split('\n');
    const columns = (header ?? '').replace(/^# /, '').split(',');
    const at = (name: string) => columns.indexOf(name);
    return lines
      .map((line) => line.split(','))
      .filter(
        (cells) => cells[at('pxname')] === BACKEND && !['BACKEND', 'FRONTEND'].includes(cells[at('svname')] ?? ''),
      )
      .map((cells) => ({
        name: cells[at('svname')] ?? '',
        status: cells[at('status')] ?? '',
        sessions: Number(cells[at('scur')] ?? 0),
      }));
  }

  /** Puts a slot in service (`ready`: in as soon as its health check passes) or out of it (`maint`). */
  async setState(name: string, state: 'ready' | 'maint'): Promise<void> {
    const answer = await this.command(`set server ${BACKEND}/${name} state ${state}`);
    if (answer.trim() !== '') throw new Error(`HAProxy refused "set server ${name} state ${state}": ${answer.trim()}`);
  }

  /** The owner routes HAProxy holds: partition -> slot. */
  get routes(): ReadonlyMap<number, string> {
    return this.#routes;
  }

  /**
   * Makes HAProxy's owners map `routes` (partition -> slot), changing only the entries that
   * differ; a partition left out goes round robin. Does nothing without owner routes.
   */
  async setRoutes(routes: ReadonlyMap<number, string>): Promise<void> {
    const map = this.#mapFile;
    if (map === null) return;
    for (const partition of this.#routes.keys()) {
      if (routes.has(partition)) continue;
      await this.#mapCommand(`del map ${map} ${partition}`);
      this.#routes.delete(partition);
    }
    for (const [partition, slot] of routes) {
      const held = this.#routes.get(partition);
      if (held === slot) continue;
      await this.#mapCommand(`${held === undefined ? 'add' : 'set'} map ${map} ${partition} ${ownerBackend(slot)}`);
      this.#routes.set(partition, slot);
    }
  }

  async #mapCommand(text: string): Promise<void> {
    const answer = (await this.command(text)).trim();
    if (answer !== '' && answer !== 'Done.') throw new Error(`HAProxy refused "${text}": ${answer}`);
  }

  /** Waits until the slot's status starts with `status` (UP, MAINT...). */
  async waitFor(name: string, status: string, timeoutMs = 15_000): Promise<void> {
    await waitFor(
      async () => (await this.slots()).some((slot) => slot.name === name && slot.status.startsWith(status)),
      timeoutMs,
      `HAProxy to see ${name} ${status}`,
    );
  }

  /** Stops taking connections, lets the open ones finish (at most `graceMs`), then ends. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.#process.exitCode !== null || this.#process.signalCode !== null) return;
    this.#process.kill('SIGUSR1');
    const timer = setTimeout(() => this.#process.kill('SIGTERM'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** Ends at once (the launcher's last resort). */
  kill(): void {
    this.#process.kill('SIGKILL');
  }
}
