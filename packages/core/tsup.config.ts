import { defineConfig, type Options } from 'tsup';

const shared: Options = {
  dts: true,
  sourcemap: true,
  target: 'node20',
  external: ['vitest', 'fast-check'],
  // Entries share chunks, so every subpath sees the same classes (OutcryError, the memory ports).
  splitting: true,
};

const dualEntries = {
  index: 'src/index.ts',
  'adapter-kit/index': 'src/adapter-kit/index.ts',
  'engine/index': 'src/engine/index.ts',
};

export default defineConfig([
  {
    ...shared,
    entry: { ...dualEntries, 'testing/index': 'src/testing/index.ts' },
    format: ['esm'],
    // The two builds run at once: each cleans only the files it writes.
    clean: ['**/*.js', '**/*.js.map', '**/*.d.ts'],
  },
  // CJS without the testing entry: it imports vitest, which cannot be require()d, so it ships as ESM only.
  {
    ...shared,
    entry: dualEntries,
    format: ['cjs'],
    clean: ['**/*.cjs', '**/*.cjs.map', '**/*.d.cts'],
  },
]);
