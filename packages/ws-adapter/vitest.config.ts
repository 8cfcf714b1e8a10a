import { defineProject } from 'vitest/config';

export default defineProject({
  // Tests run the TypeScript source of this package and of @outcry/core, never a stale dist/:
  // both resolvers need the condition.
  resolve: { conditions: ['@outcry/source'] },
  ssr: { resolve: { conditions: ['@outcry/source'] } },
  test: { name: 'ws-adapter', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 },
});
