import { type ChildProcess, fork } from 'node:child_process';
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('..', import.meta.url));

/** Options of `forkScript`. */
export interface ForkScriptOptions {
  /** Extra environment of the child, on top of this process's. */
  readonly env?: Readonly<Record<string, string>>;
  /** Inherit stdout and stderr (true): a child's crash shows in the bench output. */
  readonly inheritOutput?: boolean;
  /**
   * Write a V8 CPU profile of the whole child to `<dir>/<name>` when it exits (node --cpu-prof):
   * for children, which the in-process profiler of `--cpu-profile` cannot reach.
   */
  readonly cpuProfile?: { readonly dir: string; readonly name: string };
}

/**
 * Start a TypeScript file of the bench as a child process with an IPC channel, running from
 * source (tsx, the `source` condition) whatever started this process: the tsx CLI (`npm run
 * bench`), vitest (whose worker has no tsx loader in its execArgv) or plain `node --import tsx`.
 * The child is started with cwd = bench/, so that `--import tsx` resolves there.
 */
export function forkScript(file: string, args: readonly string[], options: ForkScriptOptions = {}): ChildProcess {
  const child = fork(file, [...args], {
    cwd: benchDir,
    execArgv: [
      '--import',
      'tsx',
      '--conditions=@outcry/source',
      '--expose-gc',
      ...(options.cpuProfile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${scratchDirOf(options.cpuProfile)}`]),
    ],
    env: { ...process.env, ...options.env },
    stdio:
      (options.inheritOutput ?? true) ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  const { cpuProfile } = options;
  if (cpuProfile !== undefined) child.once('exit', () => keepMainThreadProfile(cpuProfile));
  return child;
}

const scratchDirOf = (profile: { dir: string; name: string }) => join(profile.dir, `${profile.name}.threads`);

/**
 * node --cpu-prof writes one profile per thread (CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile),
 * and tsx's loader hooks run in a thread of their own: keep the main thread's (tid 0) under the
 * asked name.
 */
function keepMainThreadProfile(profile: { dir: string; name: string }): void {
  const scratch = scratchDirOf(profile);
  try {
    const main = readdirSync(scratch).find((file) => file.split('.')[4] === '0');
    if (main !== undefined) renameSync(join(scratch, main), join(profile.dir, profile.name));
  } catch {
    // No profile (the child was killed before it could write one): nothing to keep.
  }
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * The first IPC message from `child` that `accept` takes, within `timeoutMs`. Rejects when the
 * child exits first or the time runs out, so that a broken child never hangs the bench.
 */
export function nextMessage<T>(
  child: ChildProcess,
  accept: (message: unknown) => message is T,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      if (!accept(message)) return;
      done();
      resolve(message);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      done();
      reject(new Error(`${what}: the child exited (${signal ?? code}) before answering`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${what}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * In a child: exit when the parent goes away (its IPC channel closes) or after `lifetimeMs` at
 * the latest, so that no bench process outlives its run, whatever happens to the parent.
 */
export function boundChildLifetime(lifetimeMs: number): void {
  process.on('disconnect', () => process.exit(0));
  setTimeout(() => {
    console.error(`bench child ${process.pid}: still running after ${lifetimeMs} ms, exiting`);
    process.exit(3);
  }, lifetimeMs).unref();
}
