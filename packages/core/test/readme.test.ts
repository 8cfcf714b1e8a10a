import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

it('runs the README usage example and prints what its comments say', async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const code = /## Usage\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const dir = join(root, '.tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'readme-example.ts');
  writeFileSync(file, code as string);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    log.mockRestore();
  }
  expect(lines).toContain('accepted accepted');
  expect(lines).toContain('5000 carol');
  expect(lines).toContain('BID_TOO_LOW 5100');
  expect(lines).toContain('5000 true 5100');
  expect(lines).toContain('bob was outbid at 5000');
});
