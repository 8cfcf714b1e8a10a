import { describeStackContract } from '@outcry/core/testing';
import { describe } from 'vitest';
import { hybridStack } from './support/hybrid-stack.js';
import { noSharedServices } from './support/shared-services.js';

describe.skipIf(noSharedServices)('the hybrid stack', () => {
  describeStackContract('PostgreSQL store with Redis queue, lock, broadcaster and cache', hybridStack);
});
