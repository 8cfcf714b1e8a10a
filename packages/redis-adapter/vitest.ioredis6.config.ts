import { defineProject } from 'vitest/config';

// The adapters again, on ioredis 6 (RESP3 by default): every `ioredis` import, the adapters' own
// and the tests', resolves to the `ioredis-6` alias. Tests that start child processes stay on 5.
export default defineProject({
  resolve: { conditions: ['@outcry/source'], alias: { ioredis: 'ioredis-6' } },
  ssr: { resolve: { conditions: ['@outcry/source'] } },
  test: {
    name: 'redis-adapter-ioredis6',
    include: ['test/**/*.test.ts'],
    exclude: ['test/multi-process.test.ts', 'test/fault.test.ts', 'test/ioredis-copies.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
