import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../src/array-literal.js';
import { noDatabase, testPool } from './support/database.js';

describe.skipIf(noDatabase)('array literals built for commit parameters', () => {
  let pool: ReturnType<typeof testPool>;
  beforeAll(() => {
    pool = testPool(2);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('reach PostgreSQL as the same text[] for any strings, nulls included', async () => {
    const tricky = ['', 'NULL', 'a,b', '{x}', 'say "hi"', 'back\\slash', '\\"', ' spaced ', 'ünïcødé ✓', null];
    const { rows } = await pool.query<{ a: (string | null)[] }>('select $1::text[] as a', [arrayLiteral(tricky)]);
    expect(rows[0]?.a).toEqual(tricky);
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.option(
            fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\u0000')),
            { nil: null },
          ),
          { maxLength: 8 },
        ),
        async (values) => {
          const result = await pool.query<{ a: (string | null)[] }>('select $1::text[] as a', [arrayLiteral(values)]);
          expect(result.rows[0]?.a).toEqual(values);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('carry JSON documents into jsonb[] and numbers into bigint[]', async () => {
    const documents = [{ title: 'a "quoted" lot', path: 'C:\\\\lots', tags: ['x', null] }, { n: 1 }];
    const { rows } = await pool.query<{ j: unknown[]; n: string[] }>('select $1::jsonb[] as j, $2::bigint[] as n', [
      arrayLiteral(documents.map((d) => JSON.stringify(d))),
      arrayLiteral([1, 9_007_199_254_740_991, null]),
    ]);
    expect(rows[0]?.j).toEqual(documents);
    expect(rows[0]?.n).toEqual(['1', '9007199254740991', null]);
  });
});
