import { createAuctionHouse, isOutcryError, partitionOf } from '@outcry/core';
import { describe, expect, it } from 'vitest';
import { createPostgresAdapters } from '../src/index.js';
import { DATABASE_URL, dropSchema, freshSchemaName, migratedAdapters, noDatabase } from './support/database.js';

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
      expect(await startOf(createAuctionHouse({ ...first }))).toBe('started');
      expect(await startOf(createAuctionHouse({ ...first }))).toBe('started');
      expect(await startOf(createAuctionHouse({ ...other }))).toMatch(/^INVALID_INPUT: .*laid out for 4 partitions.*8/);
      // A house whose count differs from its adapters' is refused before anything is recorded.
      expect(await startOf(createAuctionHouse({ ...first, partitions: 8 }))).toMatch(
        /^INVALID_INPUT: The house has 8 partitions and the PostgreSQL adapters 4/,
      );
    } finally {
      await other.close();
      await first.dispose();
    }
  });

  it('refuses a smaller count on data written before counts were recorded by houses with more', async () => {
    const schema = freshSchemaName('legacy');
    const wide = await migratedAdapters({ schema, partitions: 16 });
    const narrow = createPostgresAdapters({ connectionString: DATABASE_URL, schema, partitions: 4 });
    try {
      const house = createAuctionHouse({ ...wide });
      await house.start();
      // Auctions until one lives in a partition the narrow count does not have.
      for (let i = 0; ; i++) {
        const auction = await house.createAuction({
          sellerId: 'seller',
          title: `Lot ${i}`,
          currency: 'USD',
          startingPrice: 1_000,
          endsAt: Date.now() + 60_000,
        });
        if (partitionOf(auction.id, 16) >= 4) break;
      }
      await house.stop();
      // As a schema migrated before the count was kept: the data is there, no count.
      await wide.pool.query(`delete from "${schema}".partition_count`);
      expect(await startOf(createAuctionHouse({ ...narrow }))).toMatch(
        /^INVALID_INPUT: This schema holds data of partitions beyond the 4 of this house/,
      );
      expect(await startOf(createAuctionHouse({ ...wide }))).toBe('started');
      const { rows } = await wide.pool.query(`select partitions from "${schema}".partition_count`);
      expect(rows).toEqual([{ partitions: 16 }]);
    } finally {
      await narrow.close();
      await wide.dispose();
    }
    await dropSchema(schema);
  });
});
