import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  external: ['vitest', 'fast-check'],
};

export default defineConfig([
  // ESM: both entries in one build, so they share chunks and `@outcry/core/testing` sees the
  // same classes (OutcryError, memory adapters) as `@outcry/core`.
  {
    ...shared,
    entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
    format: ['esm'],
    splitting: true,
    // The two builds run at once: each cleans only the files it writes.
    clean: ['**/*.js', '**/*.js.map', '**/*.d.ts'],
  },
  // CJS: the main entry only. The testing entry imports vitest, which cannot be require()d,
  // so it ships as ESM only.
  {
    ...shared,
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    clean: ['**/*.cjs', '**/*.cjs.map', '**/*.d.cts'],
  },
]);
