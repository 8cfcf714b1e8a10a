import {
  describeAuctionStoreContract,
  describeBidQueueContract,
  describeBroadcasterContract,
  describeLockContract,
} from '@outcry/core/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { createPostgresAdapters, type PostgresAdapters } from '../src/index.js';
import { dropSchema, freshSchemaName, noDatabase, testPool } from './support/database.js';

describe.skipIf(noDatabase)('PostgreSQL adapters: core contract suites', () => {
  // One schema for the whole file: the suites give every test its own ids and partitions.
  const schema = freshSchemaName('contract');
  const pool = testPool();
  const open = new Set<PostgresAdapters>();
  const adapters = (): PostgresAdapters => {
    const created = createPostgresAdapters({ pool, schema });
    open.add(created);
    return created;
  };
  const closeAll = async () => {
    const closing = [...open];
    open.clear();
    await Promise.all(closing.map((a) => a.close()));
  };

  beforeAll(async () => {
    await createPostgresAdapters({ pool, schema }).migrate();
  });
  afterAll(async () => {
    await closeAll();
    await dropSchema(schema);
    await pool.end();
  });

  // Tests take their partitions from 0..15 in turn, so each store is on a schema of its own.
  const storeSchemas: string[] = [];
  const storeOnFreshSchema = async () => {
    const storeSchema = freshSchemaName('contract_store');
    storeSchemas.push(storeSchema);
    const created = createPostgresAdapters({ pool, schema: storeSchema });
    open.add(created);
    await created.migrate();
    return created.store;
  };
  const dropStoreSchemas = async () => {
    await closeAll();
    for (const storeSchema of storeSchemas.splice(0)) await dropSchema(storeSchema);
  };
  describeAuctionStoreContract(storeOnFreshSchema, { cleanup: dropStoreSchemas });
  describeBidQueueContract(() => adapters().queue, { cleanup: closeAll });
  describeLockContract(() => adapters().lock, { cleanup: closeAll });
  // Two adapter bundles: two listening connections, as two processes would have.
  describeBroadcasterContract(() => adapters().broadcaster, { cleanup: closeAll });
});
