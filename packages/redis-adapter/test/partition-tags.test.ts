import { MAX_PARTITIONS } from '@outcry/core/adapter-kit';
import { describe, expect, it } from 'vitest';
import { RedisKeys } from '../src/keys.js';
import { partitionTag, slotOfTag } from '../src/partition-tags.js';

/** How many of `partitions` partitions fall on each of `masters` equal, contiguous ranges of slots. */
function perMaster(partitions: number, masters: number): number[] {
  const counts = Array.from({ length: masters }, () => 0);
  for (let p = 0; p < partitions; p++) {
    const master = Math.floor((slotOfTag(partitionTag(p, partitions)) * masters) / 16_384);
    counts[master] = (counts[master] ?? 0) + 1;
  }
  return counts;
}

describe('partition hash tags', () => {
  it("computes Redis Cluster's slot of a tag (the cluster specification's example)", () => {
    expect(slotOfTag('123456789')).toBe(0x31c3 % 16_384);
    expect(slotOfTag('')).toBe(0);
  });

  it("puts each partition's slot in its own stretch of the slots", () => {
    for (const partitions of [1, 3, 4, 12, 16, 24, 100, MAX_PARTITIONS]) {
      for (const p of new Set([0, Math.floor(partitions / 2), partitions - 1])) {
        const slot = slotOfTag(partitionTag(p, partitions));
        expect(slot).toBeGreaterThanOrEqual(Math.floor((p * 16_384) / partitions));
        expect(slot).toBeLessThan(Math.floor(((p + 1) * 16_384) / partitions));
      }
    }
  });

  it('spreads the partitions evenly over masters holding equal ranges of slots', () => {
    expect(perMaster(12, 3)).toEqual([4, 4, 4]);
    expect(perMaster(24, 3)).toEqual([8, 8, 8]);
    expect(perMaster(16, 4)).toEqual([4, 4, 4, 4]);
    for (const count of perMaster(16, 3)) expect([5, 6]).toContain(count);
  });

  it('keeps `p<n>` when it already falls in its stretch, and is the same in every process', () => {
    expect(partitionTag(0, 1)).toBe('p0');
    expect(partitionTag(5, 12)).toBe(partitionTag(5, 12));
    expect(new RedisKeys('x:', 12).state(5, 'a-1')).toBe(`x:{${partitionTag(5, 12)}}:state:a-1`);
    expect(partitionTag(12, 12)).toBe('p12');
  });
});
