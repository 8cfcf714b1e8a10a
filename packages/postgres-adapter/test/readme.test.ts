import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { startChild } from './support/child-process.js';
import { DATABASE_URL, dropSchema, freshSchemaName, noDatabase } from './support/database.js';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');

describe('README', () => {
  it('lists every error code the package throws in its error table', () => {
    const errors = readme.slice(readme.indexOf('## Errors'));
    const codes = new Set<string>(['INVALID_INPUT']); // decodeListCursor (core) throws it for list()
    for (const file of readdirSync(join(packageRoot, 'src'))) {
      if (!file.endsWith('.ts')) continue;
      const source = readFileSync(join(packageRoot, 'src', file), 'utf8');
      for (const match of source.matchAll(/OutcryError\(\s*'([A-Z_]+)'/g)) codes.add(match[1] as string);
    }
    expect([...codes].sort()).toEqual(['INVALID_INPUT', 'STALE_OWNER', 'STORE_REJECTED', 'UNAVAILABLE']);
    for (const code of codes)
      expect(errors, `README error table lacks ${code}`).toMatch(new RegExp(`^\\| \`${code}\` +\\|`, 'm'));
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
