import { partitionOf } from '@outcry/core/adapter-kit';
import { describe, expect, it } from 'vitest';
import { auctionPicker } from '../src/auction-picker.js';

const ids = Array.from({ length: 200 }, (_, i) => `auction-${i.toString(36)}-${(i * 7919).toString(36)}`);

describe('the scale-out callers’ auction picker', () => {
  it('gives every auction, in creation order, to spread callers', () => {
    const picker = auctionPicker(ids, 'spread', 4, () => []);
    expect(picker.current()).toEqual(ids);
    picker.stop();
  });

  it('gives routed callers the owned partitions’ auctions in creation order, the partitions in turn', () => {
    const picker = auctionPicker(ids, 'routed', 4, () => [1, 3]);
    try {
      const mine = picker.current();
      expect(mine).toEqual(ids.filter((id) => [1, 3].includes(partitionOf(id, 4))));
      // Not one partition's auctions after the other's: consecutive bids change partition often.
      const changes = mine.slice(1).filter((id, i) => partitionOf(id, 4) !== partitionOf(mine[i] as string, 4));
      expect(changes.length).toBeGreaterThan(mine.length / 4);
    } finally {
      picker.stop();
    }
  });

  it('follows the partitions owned as they change', async () => {
    let owned = [0];
    const picker = auctionPicker(ids, 'routed', 4, () => owned);
    try {
      expect(new Set(picker.current().map((id) => partitionOf(id, 4)))).toEqual(new Set([0]));
      owned = [2];
      await expect
        .poll(() => new Set(picker.current().map((id) => partitionOf(id, 4))), { timeout: 2_000 })
        .toEqual(new Set([2]));
    } finally {
      picker.stop();
    }
  });
});
