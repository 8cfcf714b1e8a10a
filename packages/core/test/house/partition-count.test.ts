import { describe, expect, it } from 'vitest';
import { MemoryAuctionStore } from '../../src/adapter-kit/index.js';
import { createAuctionHouse, DEFAULT_SHARED_PARTITIONS } from '../../src/index.js';

// A house refused by a store laid out for another count is in the stack contract (test/stack-contract.test.ts).
describe('the partition count of a house', () => {
  it('defaults to DEFAULT_SHARED_PARTITIONS on shared stores and to 1 on the in-memory defaults', () => {
    expect(createAuctionHouse({ store: new MemoryAuctionStore() }).partitions).toBe(DEFAULT_SHARED_PARTITIONS);
    expect(createAuctionHouse().partitions).toBe(1);
  });
});
