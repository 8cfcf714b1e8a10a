import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  target: 'node20',
  clean: true,
  // Peers at run time: the caller's copies, never bundled.
  external: ['@outcry/core', 'ws', 'zod'],
});
