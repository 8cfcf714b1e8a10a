import { createAuctionHouse } from '@outcry/core';
import { describeOpaqueIdRoundTrip } from '@outcry/core/testing';
import { describe } from 'vitest';
import { createPostgresAdapters } from '../src/index.js';
import { DATABASE_URL, dropSchema, freshSchemaName, noDatabase } from './support/database.js';

describe.skipIf(noDatabase)('PostgreSQL adapters keep user ids and bidIds byte for byte', () => {
  describeOpaqueIdRoundTrip(async () => {
    const schema = freshSchemaName('opaque');
    const adapters = createPostgresAdapters({ connectionString: DATABASE_URL, schema, partitions: 4 });
    await adapters.migrate();
    // Another instance reads back what the house wrote, as another process would.
    const reader = createPostgresAdapters({ connectionString: DATABASE_URL, schema, partitions: 4 });
    const house = createAuctionHouse({ ...adapters, partitions: 4 });
    await house.start();
    return {
      house,
      store: reader.store,
      async close() {
        await house.stop();
        await adapters.close();
        await reader.close();
        await dropSchema(schema);
      },
    };
  });
});
