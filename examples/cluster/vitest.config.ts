import { defineProject } from 'vitest/config';

export default defineProject({
  // The test reads the ledgers with @outcry/redis-adapter's TypeScript source, never a stale dist/.
  resolve: { conditions: ['@outcry/source'] },
  ssr: { resolve: { conditions: ['@outcry/source'] } },
  test: {
    name: 'cluster',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
