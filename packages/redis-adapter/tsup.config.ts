import { cp } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // import.meta.url in the CJS build too: lua-scripts.ts finds dist/lua/ next to the bundle.
  shims: true,
  // The Lua scripts ship as files beside the bundle, read once at load (see lua-scripts.ts).
  onSuccess: async () => {
    await cp('src/lua', 'dist/lua', { recursive: true, filter: (source) => !source.endsWith('.d.ts') });
  },
});
