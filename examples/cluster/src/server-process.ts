import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exitOf, type LineLog, stopProcess, waitFor } from './processes.js';

/** examples/server, whose `npm start` each process runs. */
const serverDir = fileURLToPath(new URL('../../server/', import.meta.url));

/**
 * What `npm start` in examples/server runs, without npm in between: signals reach the server
 * itself, and there is one process per server to cap or count.
 */
const SERVER_ARGS = ['--import', 'tsx', '--conditions=@outcry/source', 'src/main.ts'];

/** The most a server may take to drain and stop before it is killed. */
const STOP_GRACE_MS = 25_000;

/** One example server process. */
export class ServerProcess {
  readonly name: string;
  readonly port: number;
  readonly #child: ChildProcess;

  private constructor(name: string, port: number, child: ChildProcess) {
    this.name = name;
    this.port = port;
    this.#child = child;
  }

  get pid(): number {
    return this.#child.pid as number;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /**
   * Starts examples/server on `port` with `env` on top of this process's environment (in a
   * process group of its own when `detached`), and waits until its `GET /ready` answers 200 (the
   * house started, Redis answers).
   */
  static async start(
    name: string,
    port: number,
    env: Readonly<Record<string, string>>,
    log: LineLog,
    detached: boolean,
  ) {
    const child = spawn(process.execPath, SERVER_ARGS, {
      cwd: serverDir,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached,
    });
    log.attach(name, child);
    const server = new ServerProcess(name, port, child);
    try {
      await waitFor(
        async () => {
          if (!server.running) throw new Error(`server ${name} exited at start:\n${log.tail(name)}`);
          return (await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null))?.status === 200;
        },
        90_000,
        `server ${name} on port ${port} to be ready`,
      );
    } catch (error) {
      await server.kill();
      throw error;
    }
    return server;
  }

  /** SIGTERM: the server stops taking requests, answers those in flight and every bid it took, then exits. */
  stop(): Promise<void> {
    return stopProcess(this.#child, 'SIGTERM', STOP_GRACE_MS);
  }

  /** SIGKILL, for a launcher that is going away. */
  async kill(): Promise<void> {
    const exited = exitOf(this.#child);
    this.#child.kill('SIGKILL');
    await exited;
  }
}
