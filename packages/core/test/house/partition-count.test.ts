import { describe, expect, it } from 'vitest';
import { createAuctionHouse, createMemoryBackend, DEFAULT_SHARED_PARTITIONS } from '../../src/index.js';

// A house refused by a store laid out for another count is in the stack contract (test/stack-contract.test.ts).
describe('the partition count of a house', () => {
  it("defaults to the backend's count, else to DEFAULT_SHARED_PARTITIONS, and to 1 with no backend", () => {
    expect(createAuctionHouse({ backend: createMemoryBackend() }).partitions).toBe(DEFAULT_SHARED_PARTITIONS);
    expect(createAuctionHouse({ backend: { ...createMemoryBackend(), partitions: 8 } }).partitions).toBe(8);
    expect(createAuctionHouse().partitions).toBe(1);
  });

  it("refuses at once a house whose count differs from its backend's, naming both", () => {
    expect(() => createAuctionHouse({ backend: { ...createMemoryBackend(), partitions: 4 }, partitions: 8 })).toThrow(
      /^The house has 8 partitions and its backend 4/,
    );
  });
});
