import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../src/migrations.js';

const packageRoot = join(import.meta.dirname, '..');
const generator = join(packageRoot, '..', '..', 'scripts', 'build-assets.mjs');

describe('src/assets.generated.ts', () => {
  it('is what the .sql files make (run `npm run assets` after editing one)', () => {
    const run = spawnSync(process.execPath, [generator, '--check', packageRoot], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('gives every migration of src/migrations its file, in order', () => {
    const files = readdirSync(join(packageRoot, 'src', 'migrations')).filter((file) => file.endsWith('.sql'));
    expect(MIGRATIONS.map((migration) => `${migration.name}.sql`)).toEqual(files.sort());
    MIGRATIONS.forEach((migration, i) => {
      expect(migration.id).toBe(i + 1);
      expect(migration.sql).toBe(readFileSync(join(packageRoot, 'src', 'migrations', `${migration.name}.sql`), 'utf8'));
    });
  });
});
