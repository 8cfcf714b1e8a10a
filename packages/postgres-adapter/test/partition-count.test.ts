import { createAuctionHouse, isOutcryError } from '@outcry/core';
import { describe, expect, it } from 'vitest';
import { createPostgresAdapters } from '../src/index.js';
import { DATABASE_URL, migratedAdapters, noDatabase } from './support/database.js';

/** The code and message a house's start fails with, or 'started'. */
async function startOf(house: ReturnType<typeof createAuctionHouse>): Promise<string> {
  try {
    await house.start();
    return 'started';
  } catch (error) {
    return isOutcryError(error) ? `${error.code}: ${error.message}` : String(error);
  } finally {
    await house.stop();
  }
}

describe.skipIf(noDatabase)('the partition count of a schema', () => {
  it('is recorded by the first house, and a house with another count is refused at start', async () => {
    const first = await migratedAdapters({ partitions: 4 });
    const other = createPostgresAdapters({ connectionString: DATABASE_URL, schema: first.schema, partitions: 8 });
    try {
      expect(await startOf(createAuctionHouse({ backend: first }))).toBe('started');
      expect(await startOf(createAuctionHouse({ backend: first }))).toBe('started');
      expect(await startOf(createAuctionHouse({ backend: other }))).toMatch(
        /^INVALID_INPUT: .*laid out for 4 partitions.*8/,
      );
      // A house whose count differs from its adapters' is refused before anything is recorded.
      expect(() => createAuctionHouse({ backend: first, partitions: 8 })).toThrow(
        expect.objectContaining({
          code: 'INVALID_INPUT',
          message: expect.stringMatching(/^The house has 8 partitions and its backend 4/),
        }),
      );
    } finally {
      await other.close();
      await first.dispose();
    }
  });
});
