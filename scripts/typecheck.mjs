#!/usr/bin/env node
// Type-checks every workspace that has a tsconfig.json, so a new package is picked up
// without editing a script. Runs `tsc --noEmit -p <dir>` for each and fails if any fails.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const patterns = Array.isArray(pkg.workspaces) ? pkg.workspaces : (pkg.workspaces?.packages ?? []);

/** Expands a workspace pattern; supports plain paths and a trailing `/*`. */
function expand(pattern) {
  if (!pattern.endsWith('/*')) return [join(root, pattern)];
  const base = join(root, pattern.slice(0, -2));
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(base, d.name));
}

const dirs = patterns.flatMap(expand).filter((dir) => existsSync(join(dir, 'tsconfig.json')));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const failed = [];
for (const dir of dirs) {
  const name = relative(root, dir);
  const started = Date.now();
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', dir], { cwd: root, stdio: 'inherit' });
  const ok = r.status === 0;
  console.log(`typecheck ${ok ? 'ok  ' : 'FAIL'} ${name} (${Date.now() - started} ms)`);
  if (!ok) failed.push(name);
}
if (dirs.length === 0) console.log('typecheck: no workspace has a tsconfig.json');
if (failed.length > 0) {
  console.error(`typecheck failed in: ${failed.join(', ')}`);
  process.exit(1);
}
