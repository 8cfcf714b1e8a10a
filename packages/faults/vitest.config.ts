import { defineProject, type Plugin } from 'vitest/config';

/** `.sql` imports of @outcry/postgres-adapter's source become their text, as its build does. */
function sqlAsText(): Plugin {
  return {
    name: 'outcry-faults-sql-as-text',
    transform(code, id) {
      if (!id.endsWith('.sql')) return null;
      return { code: `export default ${JSON.stringify(code)};`, map: null };
    },
  };
}

export default defineProject({
  plugins: [sqlAsText()],
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
