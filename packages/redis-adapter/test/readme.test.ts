import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '@outcry/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const here = dirname(fileURLToPath(import.meta.url));
const up = await redisIsUp("the README's example");
const packageRoot = join(here, '..');

describe('README errors', () => {
  it('has a row for each code the package throws, and no other, each a code of @outcry/core', () => {
    const readme = readFileSync(join(packageRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Errors\n'), readme.indexOf('\n### What is retried'));
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

describe.skipIf(!up)('README', () => {
  const prefix = uniquePrefix('readme:');
  const example = join(here, `.readme-example-${process.pid}.ts`);
  afterAll(async () => {
    await rm(example, { force: true });
    const redis = new Redis(REDIS_URL);
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('runs the Usage example as written (under a test prefix)', async () => {
    const readme = await readFile(join(here, '..', 'README.md'), 'utf8');
    const usage = readme.slice(readme.indexOf('## Usage'));
    const block = /```ts\n([\s\S]*?)```/.exec(usage)?.[1];
    expect(block).toBeDefined();
    // The example's own prefix would touch a real 'outcry:' namespace: the test's is swapped in.
    expect(block).toContain("prefix: 'outcry:'");
    await writeFile(example, (block as string).replace("prefix: 'outcry:'", `prefix: ${JSON.stringify(prefix)}`));
    const logged: unknown[][] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
    try {
      await import(example);
    } finally {
      spy.mockRestore();
    }
    expect(logged).toEqual([['accepted'], [['create', 'bid']]]);
  });
});
