import { defineProject } from 'vitest/config';

export default defineProject({
  // Tests run the TypeScript source, never a stale dist/: both resolvers need the condition.
  resolve: { conditions: ['@outcry/source'] },
  ssr: { resolve: { conditions: ['@outcry/source'] } },
  test: { name: 'core', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
