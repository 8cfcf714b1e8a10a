import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // Migrations ship inside the bundle as text, so the built package needs no file reads.
  loader: { '.sql': 'text' },
  external: ['pg', '@outcry/core'],
});
