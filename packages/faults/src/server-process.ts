import type { ChildProcess } from 'node:child_process';

/** Sends SIGKILL to a child and resolves once it has exited (at once when it had). */
export function killHard(child: ChildProcess | null): Promise<void> {
  if (child === null || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** Sends SIGTERM and waits for the exit; SIGKILL after `graceMs`. */
export function stopGently(child: ChildProcess | null, graceMs = 5_000): Promise<void> {
  if (child === null || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A server of the battery: started on a free loopback port in a folder of its own. */
export interface ServerProcess {
  /** What the adapters connect to. */
  readonly url: string;
  /** SIGKILL: no shutdown, whatever was not written is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and folder; resolves once it answers. */
  restart(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}
