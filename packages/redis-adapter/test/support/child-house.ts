import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A bidding-house child process (test/children/bidding-house.ts), run from source with tsx. */
export class ChildHouse {
  readonly process: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<number | string | null>;
  #stderr = '';
  #wake = new Set<() => void>();

  constructor(env: Record<string, string>) {
    this.process = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@outcry/source', join(packageRoot, 'test', 'children', 'bidding-house.ts')],
      { cwd: packageRoot, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.process.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    createInterface({ input: this.process.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      this.lines.push(line);
      for (const wake of [...this.#wake]) wake();
    });
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        resolve(code ?? signal);
        for (const wake of [...this.#wake]) wake();
      });
    });
  }

  /** Sends one line on the child's stdin. */
  send(line: string): void {
    this.process.stdin?.write(`${line}\n`);
  }

  /** The first line starting with `start`; rejects when the child exits first or after `ms`. */
  async waitFor(start: string, ms = 30_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const line = this.lines.find((l) => l.startsWith(start));
      if (line !== undefined) return line;
      if (this.process.exitCode !== null || this.process.signalCode !== null) {
        throw new Error(`child exited before "${start}": ${this.#stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`no "${start}" from the child within ${ms} ms: ${this.#stderr}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#wake.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 100);
        this.#wake.add(wake);
      });
    }
  }

  /** The bidIds this child printed as accepted. */
  accepted(): string[] {
    return this.lines.filter((line) => line.startsWith('accepted ')).map((line) => line.split(' ')[1] as string);
  }

  failures(): string[] {
    return this.lines.filter((line) => line.startsWith('failed '));
  }

  stderr(): string {
    return this.#stderr;
  }

  /** Asks the child to stop its house and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.send('stop');
    await this.exited;
  }

  kill(): void {
    this.process.kill('SIGKILL');
  }
}
