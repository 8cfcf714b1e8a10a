import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseQuickstartArgs, QUICKSTART_USAGE } from '../src/quickstart-options.js';

describe('the quickstart command line', () => {
  it('reads --fast and --seed, from flags or from the environment npm passes on', () => {
    expect(parseQuickstartArgs([], {})).toEqual({ kind: 'run', fast: false });
    expect(parseQuickstartArgs(['--fast', '--seed=7'], {})).toEqual({ kind: 'run', fast: true, seed: 7 });
    expect(parseQuickstartArgs(['--seed', '12'], {})).toEqual({ kind: 'run', fast: false, seed: 12 });
    expect(parseQuickstartArgs([], { QUICKSTART_FAST: '1', npm_config_seed: '3' })).toEqual({
      kind: 'run',
      fast: true,
      seed: 3,
    });
  });

  it('answers --help and -h with the usage', () => {
    expect(parseQuickstartArgs(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseQuickstartArgs(['-h', '--fast'], {})).toEqual({ kind: 'help' });
    expect(QUICKSTART_USAGE).toMatch(/--fast[\s\S]*--seed[\s\S]*--help/);
  });

  it('refuses an unknown flag, a stray argument and a seed that is not a whole number', () => {
    expect(parseQuickstartArgs(['--fsat'], {})).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/--fsat/),
    });
    expect(parseQuickstartArgs(['fast'], {})).toMatchObject({ kind: 'error' });
    expect(parseQuickstartArgs(['--seed=abc'], {})).toEqual({
      kind: 'error',
      message: "--seed must be a whole number, not 'abc'.",
    });
  });

  it('as a process: --help prints the usage and exits 0; an unknown flag exits 2 with the usage on stderr', () => {
    const main = join(import.meta.dirname, '..', 'src', 'main.ts');
    const run = (arg: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@outcry/source', main, arg], {
        encoding: 'utf8',
        timeout: 30_000,
      });
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run quickstart');
    const wrong = run('--nope');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--nope[\s\S]*Usage: npm run quickstart/);
  });
});
