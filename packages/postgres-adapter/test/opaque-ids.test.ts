import { createAuctionHouse } from '@outcry/core';
import { describe, expect, it } from 'vitest';
import { createPostgresAdapters } from '../src/index.js';
import { DATABASE_URL, dropSchema, freshSchemaName, noDatabase } from './support/database.js';

// The round trip of opaque ids through a house is in core's stack contract (stack-contract.test.ts).
describe.skipIf(noDatabase)('ids PostgreSQL would refuse never reach it', () => {
  it('answers reads of impossible ids as not found, refuses such a cancel, and the partition goes on', async () => {
    const schema = freshSchemaName('impossible');
    const adapters = createPostgresAdapters({ connectionString: DATABASE_URL, schema, partitions: 1 });
    await adapters.migrate();
    const house = createAuctionHouse({ backend: adapters, partitions: 1, answerTimeoutMs: 5_000 });
    await house.start();
    try {
      for (const id of ['a\u0000b', 'x\ud800']) {
        expect(await house.getAuction(id)).toBeNull();
        expect(await house.getAuctions([id, id])).toEqual([null, null]);
        expect(await house.getBids(id)).toEqual({ items: [] });
        expect(await house.getLedger(id)).toEqual([]);
        expect(await house.getStats(id)).toBeNull();
        expect(await house.getBidOutcome(id)).toBeNull();
        await expect(house.cancelAuction(id, { by: 'seller' })).rejects.toMatchObject({
          code: 'INVALID_INPUT',
          details: [{ path: 'auctionId', message: expect.any(String) }],
        });
      }
      const auction = await house.createAuction({
        sellerId: 'seller',
        title: 'After the odd ids',
        currency: 'USD',
        startingPrice: 100,
        endsAt: Date.now() + 60_000,
      });
      expect(await house.cancelAuction(auction.id, { by: 'seller' })).toMatchObject({ status: 'cancelled' });
    } finally {
      await house.stop();
      await adapters.close();
      await dropSchema(schema);
    }
  });
});
