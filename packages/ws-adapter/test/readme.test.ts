import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it, vi } from 'vitest';
import { GATEWAY_CLOSE_CODES, GATEWAY_ERROR_CODES } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

it('runs the README usage example and prints what it says', async () => {
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
  expect(lines).toEqual(['snapshot price 1000', 'bid accepted 1000', 'event bid.accepted bob']);
});

it('lists every error code in the README table, and no other', () => {
  const section = readme.split('### Error codes')[1]?.split('###')[0] ?? '';
  const documented = [...section.matchAll(/^\| `([A-Z_]+)`\s*\|/gm)].map((m) => m[1]);
  expect(documented.sort()).toEqual(Object.keys(GATEWAY_ERROR_CODES).sort());
});

it('lists every close code the gateway uses in the README', () => {
  const section = readme.split('### Close codes')[1]?.split('##')[0] ?? '';
  const documented = [...section.matchAll(/^\| (\d{4})/gm)].map((m) => Number(m[1]));
  for (const code of Object.keys(GATEWAY_CLOSE_CODES).map(Number)) expect(documented).toContain(code);
});
