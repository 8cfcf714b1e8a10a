import { describe, expect, it } from 'vitest';
import { measureInterleaved } from '../src/interleaved-curve.js';

describe('a curve measured with one process between its points', () => {
  it('measures 1, 2, 1, 4, 1 and compares each point with the one-process runs either side of it', async () => {
    const order: number[] = [];
    // Each measurement is its count and the time it was taken: a drifting machine.
    const measure = async (count: number) => {
      order.push(count);
      return { count, rate: count * 100 + order.length };
    };
    const mean = (points: readonly { count: number; rate: number }[]) => ({
      count: points[0]?.count ?? 0,
      rate: points.reduce((sum, p) => sum + p.rate, 0) / points.length,
    });
    const curve = await measureInterleaved([1, 2, 4], measure, mean);
    expect(order).toEqual([1, 2, 1, 4, 1]);
    // One process: runs 1, 3 and 5 (rates 101, 103, 105), each point against its neighbours.
    expect(curve.map(({ point }) => point)).toEqual([
      { count: 1, rate: 103 },
      { count: 2, rate: 202 },
      { count: 4, rate: 404 },
    ]);
    expect(curve.map(({ baseline }) => baseline.rate)).toEqual([103, 102, 104]);
    expect(curve[0]?.baseline).toBe(curve[0]?.point);
  });

  it('is one run of one process when the curve has no other point', async () => {
    const order: number[] = [];
    const curve = await measureInterleaved(
      [1],
      async (count) => {
        order.push(count);
        return count;
      },
      (points) => points.length,
    );
    expect(order).toEqual([1]);
    expect(curve).toEqual([{ point: 1, baseline: 1 }]);
  });
});
