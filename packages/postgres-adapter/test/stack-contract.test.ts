import { describeStackContract } from '@outcry/core/testing';
import { describe } from 'vitest';
import { noDatabase } from './support/database.js';
import { postgresStack } from './support/postgres-stack.js';

describe.skipIf(noDatabase)('PostgreSQL adapters', () => {
  describeStackContract('everything on PostgreSQL', postgresStack);
});
