import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@outcry/source'] },
  // Vitest runs tests in Vite's server environment, which takes its own conditions.
  ssr: { resolve: { conditions: ['@outcry/source'] } },
  test: {
    name: 'postgres-adapter',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests share one PostgreSQL on two cores: files run one at a time, so timing-based
    // tests (restart, crash, multi-process) do not starve each other.
    fileParallelism: false,
  },
});
