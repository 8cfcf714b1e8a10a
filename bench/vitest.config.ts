import { defineProject } from 'vitest/config';

export default defineProject({
  // The suites import @outcry/core's TypeScript source, never a stale dist/: both resolvers need the condition.
  resolve: { conditions: ['@outcry/source'] },
  ssr: { resolve: { conditions: ['@outcry/source'] } },
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // The scheduled-auctions suite measures the heap after a full collection.
    execArgv: ['--expose-gc'],
  },
});
