import type { StackFactory } from '@outcry/core/testing';
import { createPostgresAdapters } from '../../src/index.js';
import { DATABASE_URL, dropSchema, freshSchemaName } from './database.js';

/** The PostgreSQL stack for core's stack contract: each instance on a schema of its own, each process on a pool of its own. */
export const postgresStack: StackFactory = async ({ partitions }) => {
  const schema = freshSchemaName('stack');
  const connect = (options: { readonly partitions?: number } = {}) => {
    const adapters = createPostgresAdapters({
      connectionString: DATABASE_URL,
      schema,
      partitions: options.partitions ?? partitions,
    });
    return { backend: adapters, close: () => adapters.close() };
  };
  const migrating = connect();
  await migrating.backend.migrate();
  await migrating.close();
  return { connect, close: () => dropSchema(schema) };
};
