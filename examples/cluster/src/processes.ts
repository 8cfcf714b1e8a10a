import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Lines the deployment's processes write: printed with their name, or kept quietly. */
export interface LineLog {
  /** Reads `child`'s stdout and stderr line by line under `name`. */
  attach(name: string, child: ChildProcess): void;
  /** A line of the launcher itself. */
  say(line: string): void;
  /** The last lines `name` wrote, for an error message. */
  tail(name: string): string;
}

const TAIL = 30;

/** A log that prints each line as `[name] line` (`print`), and keeps the last lines of each process. */
export function createLineLog(print: ((line: string) => void) | null): LineLog {
  const tails = new Map<string, string[]>();
  const keep = (name: string, line: string) => {
    const lines = tails.get(name) ?? [];
    lines.push(line);
    if (lines.length > TAIL) lines.shift();
    tails.set(name, lines);
  };
  return {
    attach(name, child) {
      for (const stream of [child.stdout, child.stderr]) {
        if (stream === null) continue;
        createInterface({ input: stream }).on('line', (line) => {
          keep(name, line);
          print?.(`[${name}] ${line}`);
        });
      }
    },
    say(line) {
      print?.(line);
    },
    tail(name) {
      return (tails.get(name) ?? []).join('\n');
    },
  };
}

/** Polls `condition` every 100 ms until it holds; rejects after `ms` or when it throws. */
export async function waitFor(condition: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Resolves when `child` has exited (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Sends `signal`, then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  const exited = exitOf(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
