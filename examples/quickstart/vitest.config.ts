import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@outcry/source'] },
  ssr: { resolve: { conditions: ['@outcry/source'] } },
  test: { name: 'quickstart', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
