import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '@outcry/core';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild } from './support/child-process.js';
import { DATABASE_URL, dropSchema, freshSchemaName, noDatabase } from './support/database.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

describe('README', () => {
  it('has an error table row for each code the package throws, and no other, each a code of @outcry/core', () => {
    const section = readme.slice(readme.indexOf('\n## Errors\n'), readme.indexOf('\n## What is retried'));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` +\|/gm)].map((match) => match[1] as string);
    const thrown = new Set<string>();
    for (const file of readdirSync(join(packageRoot, 'src'), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const source = readFileSync(join(packageRoot, 'src', file), 'utf8');
      for (const match of source.matchAll(/OutcryError\(\s*'([A-Z_]+)'/g)) thrown.add(match[1] as string);
    }
    expect(rows.sort()).toEqual([...thrown].sort());
    for (const code of rows) expect(ERROR_CODES, code).toContain(code);
  });
});

describe.skipIf(noDatabase)('README usage example', () => {
  const schema = freshSchemaName('readme');
  const file = join(packageRoot, 'test', 'children', 'readme-example.generated.ts');
  afterAll(async () => {
    rmSync(file, { force: true });
    await dropSchema(schema);
  });

  it('runs as written, in its own process, against the real database', async () => {
    const block = /## Usage\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'the Usage section has a ts block').toBeDefined();
    writeFileSync(file, block as string);
    const child = startChild('readme-example.generated.ts', { DATABASE_URL, OUTCRY_SCHEMA: schema });
    const code = await child.exited;
    expect(code, child.stderr()).toBe(0);
    expect(child.lines).toContain('readme example done');
  });
});
