import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@outcry/source'] },
  ssr: { resolve: { conditions: ['@outcry/source'] } },
  test: {
    name: 'faults',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts servers and puts load on both cores: one file at a time.
    fileParallelism: false,
  },
});
