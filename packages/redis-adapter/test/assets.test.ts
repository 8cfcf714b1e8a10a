import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const packageRoot = join(import.meta.dirname, '..');
const generator = join(packageRoot, '..', '..', 'scripts', 'build-assets.mjs');

function runGenerator(...args: string[]) {
  return spawnSync(process.execPath, [generator, ...args], { encoding: 'utf8' });
}

describe('src/assets.generated.ts', () => {
  it('is what the .lua files make (run `npm run assets` after editing one)', () => {
    const run = runGenerator('--check', packageRoot);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('is found stale when a .lua file changes, and written again to hold the file as it is', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'outcry-assets-'));
    try {
      cpSync(join(packageRoot, 'src', 'lua'), join(copy, 'src', 'lua'), { recursive: true });
      cpSync(join(packageRoot, 'src', 'assets.generated.ts'), join(copy, 'src', 'assets.generated.ts'));
      expect(runGenerator('--check', copy).status).toBe(0);
      // What a template literal would take for its own: a backtick, a placeholder, a backslash.
      const script = join(copy, 'src', 'lua', 'ack.lua');
      appendFileSync(script, ['-- `', '$', '{x}` \\ */', '\n'].join(''));
      const stale = runGenerator('--check', copy);
      expect(stale.status).toBe(1);
      expect(stale.stderr).toContain('assets.generated.ts');
      expect(runGenerator(copy).status).toBe(0);
      expect(runGenerator('--check', copy).status).toBe(0);
      const generated = (await import(join(copy, 'src', 'assets.generated.ts'))) as { LUA_ACK: string };
      expect(generated.LUA_ACK).toBe(readFileSync(script, 'utf8'));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
