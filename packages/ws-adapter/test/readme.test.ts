import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_MEANINGS, type ErrorCode } from '@outcry/core';
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

it('lists every error code in the README table with its meaning, and no other', () => {
  const section = readme.split('### Error codes')[1]?.split('###')[0] ?? '';
  const rows = new Map(
    [...section.matchAll(/^\| `([A-Z_]+)` +\| (.*?) +\| .*\|$/gm)].map(([, code, meaning]) => [code, meaning]),
  );
  expect([...rows.keys()].sort()).toEqual(Object.keys(GATEWAY_ERROR_CODES).sort());
  for (const [code, meaning] of Object.entries(GATEWAY_ERROR_CODES)) expect(rows.get(code), code).toBe(meaning);
});

it("means by @outcry/core's codes what core means", () => {
  for (const [code, meaning] of Object.entries(GATEWAY_ERROR_CODES))
    if (code in ERROR_MEANINGS) expect(meaning, code).toBe(ERROR_MEANINGS[code as ErrorCode]);
  expect(
    Object.keys(GATEWAY_ERROR_CODES)
      .filter((code) => !(code in ERROR_MEANINGS))
      .sort(),
  ).toEqual(['BAD_FRAME', 'SUBSCRIPTION_LIMIT']);
});

it('lists every close code the gateway uses in the README', () => {
  const section = readme.split('### Close codes')[1]?.split('##')[0] ?? '';
  const documented = [...section.matchAll(/^\| (\d{4})/gm)].map((m) => Number(m[1]));
  for (const code of Object.keys(GATEWAY_CLOSE_CODES).map(Number)) expect(documented).toContain(code);
});
