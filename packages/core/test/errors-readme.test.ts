import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ERROR_CODES, ERROR_MEANINGS } from '../src/errors.js';

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

/** The rows of the table under `## Errors`: code -> meaning. */
function errorTable(): Map<string, string> {
  const start = readme.indexOf('\n## Errors\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const rows = new Map<string, string>();
  for (const [, code, meaning] of section.matchAll(/^\| ([A-Z_]+) +\| (.*?) +\|$/gm))
    rows.set(code as string, meaning as string);
  return rows;
}

it("gives every code the README's row, with the meaning ERROR_MEANINGS has, and no other row", () => {
  const rows = errorTable();
  expect([...rows.keys()]).toEqual([...ERROR_CODES]);
  for (const code of ERROR_CODES) expect(rows.get(code), code).toBe(ERROR_MEANINGS[code]);
});
