// Every published package (those not marked private) says where it comes from and carries its licence: checks each
// workspace under packages/ for the fields npm shows and for README.md and LICENSE in its tarball.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const required = ['description', 'keywords', 'license', 'repository', 'homepage', 'bugs', 'engines'];
const problems = [];
for (const folder of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', folder);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.private === true) continue;
  for (const field of required) if (pkg[field] === undefined) problems.push(`${pkg.name}: no "${field}"`);
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: dir }));
  const files = new Set(packed.files.map((file) => file.path));
  for (const file of ['README.md', 'LICENSE', 'package.json']) {
    if (!files.has(file)) problems.push(`${pkg.name}: ${file} is not in the tarball`);
  }
}
if (problems.length > 0) {
  console.error(`smoke: FAIL: package metadata\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('smoke: every package has its metadata, README.md and LICENSE');
