import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = join(here, '..', '..');

/** A child process running a script of test/children from source, with its stdout as lines. */
export interface Child {
  readonly process: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line matching, or rejects when the child exits first or time runs out. */
  waitForLine(match: (line: string) => boolean, ms?: number): Promise<string>;
  /** Resolves with the exit code (or signal) once the child has exited. */
  readonly exited: Promise<number | string | null>;
  stderr(): string;
  /** Writes one line to the child's stdin. */
  send(line: string): void;
}

/** Runs `test/children/<script>` with tsx and the `source` condition. */
export function startChild(script: string, env: Record<string, string>): Child {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@outcry/source', join(packageRoot, 'test', 'children', script)],
    { cwd: packageRoot, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(line);
    for (const wake of [...waiters]) wake();
  });
  const exited = new Promise<number | string | null>((resolve) => {
    child.on('exit', (code, signal) => {
      resolve(code ?? signal);
      for (const wake of [...waiters]) wake();
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    process: child,
    lines,
    exited,
    stderr: () => stderr,
    send: (line) => {
      child.stdin?.write(`${line}\n`);
    },
    waitForLine(match, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found !== undefined) {
            finish();
            resolve(found);
          } else if (done) {
            finish();
            reject(new Error(`The child exited before the expected line. stderr:\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`No expected line within ${ms} ms. stderr:\n${stderr}`));
        }, ms);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
