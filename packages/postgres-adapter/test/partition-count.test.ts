import { createAuctionHouse, isOutcryError } from '@outcry/core';
import { describe, expect, it } from 'vitest';
import { migratedAdapters, noDatabase } from './support/database.js';

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

// A house refused by a schema laid out for another count is in core's stack contract.
describe.skipIf(noDatabase)('the partition count of a schema', () => {
  it('is refused before anything is recorded when the house and its adapters differ, then recorded by the first house', async () => {
    const adapters = await migratedAdapters({ partitions: 4 });
    const recorded = async () =>
      (await adapters.pool.query(`select partitions from "${adapters.schema}".partition_count`)).rows;
    try {
      expect(() => createAuctionHouse({ backend: adapters, partitions: 8 })).toThrow(
        expect.objectContaining({
          code: 'INVALID_INPUT',
          message: expect.stringMatching(/^The house has 8 partitions and its backend 4/),
        }),
      );
      expect(await recorded()).toEqual([]);
      expect(await startOf(createAuctionHouse({ backend: adapters }))).toBe('started');
      expect(await recorded()).toEqual([{ partitions: 4 }]);
    } finally {
      await adapters.dispose();
    }
  });
});
