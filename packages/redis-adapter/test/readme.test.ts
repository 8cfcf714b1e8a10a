import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const here = dirname(fileURLToPath(import.meta.url));
const up = await redisIsUp("the README's example");

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
