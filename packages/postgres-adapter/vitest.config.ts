import { defineProject, type Plugin } from 'vitest/config';

/** Loads `.sql` files as their text, as tsup's `loader: { '.sql': 'text' }` does in the build. */
function sqlAsText(): Plugin {
  return {
    name: 'outcry-sql-as-text',
    transform(code, id) {
      if (!id.endsWith('.sql')) return null;
      return { code: `export default ${JSON.stringify(code)};`, map: null };
    },
  };
}

export default defineProject({
  plugins: [sqlAsText()],
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
