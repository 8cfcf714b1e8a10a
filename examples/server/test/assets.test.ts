import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LUA_TAKE_TOKEN } from '../src/assets.generated.js';

const packageRoot = join(import.meta.dirname, '..');
const generator = join(packageRoot, '..', '..', 'scripts', 'build-assets.mjs');

describe('src/assets.generated.ts', () => {
  it('is what src/lua/take-token.lua makes (run `npm run assets` after editing it)', () => {
    const run = spawnSync(process.execPath, [generator, '--check', packageRoot], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(LUA_TAKE_TOKEN).toBe(readFileSync(join(packageRoot, 'src', 'lua', 'take-token.lua'), 'utf8'));
  });
});
