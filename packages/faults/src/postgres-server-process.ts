import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.js';
import { killHard, type ServerProcess } from './server-process.js';
import { sleep, waitUntil } from './wait-until.js';

const run = promisify(execFile);

/** The bin folder of the newest PostgreSQL under /usr/lib/postgresql, or PG_BIN. */
export function postgresBinFolder(): string | null {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv !== undefined && existsSync(join(fromEnv, 'postgres'))) return fromEnv;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((name) => existsSync(join(base, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(base, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, the servers run as this user (`postgres`). */
async function serverUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Pids of the processes whose parent is `pid` (a postmaster's backends). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The fields after the command name, which is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) children.push(Number(name));
    } catch {
      // The process exited while being looked at.
    }
  }
  return children;
}

/**
 * A PostgreSQL server of its own: initdb into a temporary folder, then `postgres` on a free
 * loopback port with its socket in that folder. fsync is off: the battery kills processes, not
 * the machine, and what a killed server wrote is in the OS's cache either way.
 */
export class PostgresServerProcess implements ServerProcess {
  readonly port: number;
  readonly folder: string;
  readonly #bin: string;
  readonly #user: { uid: number; gid: number } | null;
  #child: ChildProcess | null = null;

  private constructor(port: number, folder: string, bin: string, user: { uid: number; gid: number } | null) {
    this.port = port;
    this.folder = folder;
    this.#bin = bin;
    this.#user = user;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get #data(): string {
    return join(this.folder, 'data');
  }

  static async start(): Promise<PostgresServerProcess> {
    const bin = postgresBinFolder();
    if (bin === null) throw new Error('No PostgreSQL binaries under /usr/lib/postgresql (or PG_BIN).');
    const user = await serverUser();
    const folder = await mkdtemp(join(tmpdir(), 'outcry-faults-pg-'));
    if (user !== null) await chown(folder, user.uid, user.gid);
    const server = new PostgresServerProcess(await freePort(), folder, bin, user);
    await run(
      join(bin, 'initdb'),
      ['-D', server.#data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale', 'C'],
      user === null ? {} : { uid: user.uid, gid: user.gid },
    );
    await server.restart();
    return server;
  }

  async restart(): Promise<void> {
    // After a kill, backends of the dead server may hold its shared memory for a moment:
    // the new server then refuses to start, and is started again.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const child = this.#spawn();
      this.#child = child;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const up = await Promise.race([
        waitUntil(() => this.answers(), 20_000, `postgres on port ${this.port}`).then(() => true),
        exited.then(() => false),
      ]);
      if (up) return;
      if (Date.now() > deadline) throw new Error(`postgres on port ${this.port} would not start again.`);
      await sleep(100);
    }
  }

  #spawn(): ChildProcess {
    const args = [
      '-D',
      this.#data,
      '-p',
      String(this.port),
      '-k',
      this.folder,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=100',
      '-c',
      'shared_buffers=32MB',
    ];
    return spawn(join(this.#bin, 'postgres'), args, {
      stdio: 'ignore',
      ...(this.#user === null ? {} : { uid: this.#user.uid, gid: this.#user.gid }),
    });
  }

  /** SIGKILL to the postmaster and every backend at once, as a crash of the server would. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (child?.pid === undefined) return;
    const backends = childrenOf(child.pid);
    const dead = killHard(child);
    for (const pid of backends) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await dead;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    // SIGINT: PostgreSQL's fast shutdown.
    if (child !== null && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGINT');
      });
    }
    await rm(this.folder, { recursive: true, force: true });
  }

  /** Whether the server takes a query. */
  async answers(): Promise<boolean> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
