import { defineProject } from 'vitest/config';

export default defineProject({
  // Tests run the TypeScript source of every package, never a stale dist/: both resolvers need it.
  resolve: { conditions: ['@outcry/source'] },
  ssr: { resolve: { conditions: ['@outcry/source'] } },
  test: {
    name: 'server',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The load test and the browser test each want both cores; files run one at a time.
    fileParallelism: false,
  },
});
