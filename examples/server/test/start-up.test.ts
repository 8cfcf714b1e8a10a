import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../src/config.js';
import { listenFailure, startLogger } from '../src/start-up-messages.js';

const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts');

/** Runs `npm start`'s entry point with `env`; resolves with its exit code and output once it exits. */
function runMain(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@outcry/source', MAIN], {
    env: { ...process.env, NODE_ENV: 'development', DEMO: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('starting the server', () => {
  it('logs readable lines on a terminal and JSON lines otherwise', () => {
    const config = testConfig({ logLevel: 'info' });
    expect(startLogger(config, true)).toMatchObject({ level: 'info', transport: { target: 'pino-pretty' } });
    expect(startLogger(config, false)).toEqual({ level: 'info' });
    expect(startLogger(testConfig({ logLevel: 'silent' }), true)).toBe(false);
  });

  it('words the listen errors a person can act on', () => {
    const at = { host: '127.0.0.1', port: 3000 };
    expect(listenFailure({ code: 'EADDRINUSE' }, at)).toMatch(
      /^port 3000 is taken .*: set PORT, e.g. PORT=3001 npm start$/,
    );
    expect(listenFailure({ code: 'EACCES' }, at)).toMatch(/set PORT/);
    expect(listenFailure({ code: 'EADDRNOTAVAIL' }, at)).toMatch(/set HOST/);
    expect(listenFailure(new Error('other'), at)).toBeNull();
  });

  it('on a taken port, says so in one line and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await runMain({ PORT: String(port), HOST: '127.0.0.1' });
      expect(code).toBe(1);
      expect(stderr.trim()).toBe(
        `Cannot start: port ${port} is taken (another server listens on 127.0.0.1:${port}): set PORT, e.g. PORT=${port + 1} npm start`,
      );
    } finally {
      blocker.close();
    }
  });
});
