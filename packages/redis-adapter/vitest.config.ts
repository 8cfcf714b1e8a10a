import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@outcry/source'] },
  // Vitest runs tests in Vite's server environment, which takes its own conditions.
  ssr: { resolve: { conditions: ['@outcry/source'] } },
  test: {
    name: 'redis-adapter',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Every file talks to the one Redis server (and some start processes or a cluster): on two
    // cores they run one after another so that timings stay honest.
    fileParallelism: false,
  },
});
