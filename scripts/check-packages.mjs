// Checks every published package (packages/* not marked private) as npm ships it, after `npm run build`:
// publint (package.json against the packed files) and arethetypeswrong (the types each entry point
// resolves to, imported from ESM and required from CJS). One process and one `npm pack` for all.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { filterProblems, problemKindInfo } from '@arethetypeswrong/core/problems';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = join(import.meta.dirname, '..');
// node10 ("moduleResolution": "node") cannot see subpaths and is far below our engines (>= 20.19).
const CHECKED_KINDS = ['node16-cjs', 'node16-esm', 'bundler'];
// Entry points shipped as ESM only: @outcry/core/testing imports vitest, which cannot be require()d.
const ESM_ONLY = new Set(['@outcry/core/testing']);

const dirs = readdirSync(join(root, 'packages'))
  .map((folder) => join(root, 'packages', folder))
  .filter((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private !== true);
const work = mkdtempSync(join(tmpdir(), 'outcry-packages-'));
const failures = [];
try {
  const packed = JSON.parse(
    execFileSync('npm', ['pack', ...dirs.flatMap((dir) => ['-w', dir]), '--pack-destination', work, '--json'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  for (const { name, filename } of packed) {
    const tarball = readFileSync(join(work, filename));
    failures.push(...(await lintPackage(name, tarball)), ...(await checkTypes(name, tarball)));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`check-packages: FAIL\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-packages: publint and arethetypeswrong clean on ${dirs.length} packages`);

async function lintPackage(name, tarball) {
  const { messages, pkg } = await publint({ pack: { tarball: new Uint8Array(tarball).buffer }, strict: true });
  for (const message of messages) console.log(`publint ${name} (${message.type}): ${formatMessage(message, pkg)}`);
  return messages.filter((m) => m.type !== 'suggestion').map((m) => `publint ${name}: ${formatMessage(m, pkg)}`);
}

async function checkTypes(name, tarball) {
  const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(tarball)));
  if (analysis.types === false) return [`attw ${name}: the package has no types`];
  const found = [];
  for (const entrypoint of Object.keys(analysis.entrypoints)) {
    const subpath = entrypoint === '.' ? name : `${name}/${entrypoint.slice(2)}`;
    const kinds = ESM_ONLY.has(subpath) ? CHECKED_KINDS.filter((kind) => kind !== 'node16-cjs') : CHECKED_KINDS;
    for (const resolutionKind of kinds) {
      for (const problem of filterProblems(analysis, { entrypoint, resolutionKind })) {
        found.push(`attw ${subpath} (${resolutionKind}): ${problemKindInfo[problem.kind].description}`);
      }
    }
    console.log(`attw ${subpath}: checked ${kinds.join(', ')}`);
  }
  return [...new Set(found)];
}
