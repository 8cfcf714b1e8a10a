import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Vitest refuses a project path that does not exist, and packages appear while others build
// them, so the list is computed from what is on disk: every packages/*, examples/* and bench
// folder that has its own vitest.config.ts.
const root = import.meta.dirname;
const folders = [
  ...(['packages', 'examples'] as const).flatMap((group) =>
    existsSync(join(root, group)) ? readdirSync(join(root, group)).map((name) => `${group}/${name}`) : [],
  ),
  'bench',
];
// A folder may hold further configs, `vitest.<variant>.config.ts` (the Redis adapter on ioredis 6).
const projects = folders.flatMap((folder) =>
  existsSync(join(root, folder))
    ? readdirSync(join(root, folder))
        .filter((file) => /^vitest(\.[\w-]+)?\.config\.ts$/.test(file))
        .map((file) => `${folder}/${file}`)
    : [],
);

export default defineConfig({
  test: {
    projects,
    globalSetup: ['scripts/test-services.ts'],
    // Vitest's default is one worker fewer than the cores: one, on a 2-core machine. Most files
    // wait on Redis, PostgreSQL, child processes and timers rather than compute, so two run side
    // by side (the packages whose files share one server's state keep `fileParallelism: false`).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
