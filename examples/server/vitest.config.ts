import { defineProject, type Plugin } from 'vitest/config';

/**
 * `.sql` imports of @outcry/postgres-adapter's source become their text, as its tsup build does.
 * The server's tests run every package from source, so they need the same loader.
 */
function sqlAsText(): Plugin {
  return {
    name: 'outcry-server-sql-as-text',
    transform(code, id) {
      if (!id.endsWith('.sql')) return null;
      return { code: `export default ${JSON.stringify(code)};`, map: null };
    },
  };
}

export default defineProject({
  plugins: [sqlAsText()],
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
