/** A point of a curve and the one-process baseline it is compared with. */
export interface CurvePoint<T> {
  readonly point: T;
  readonly baseline: T;
}

/**
 * A curve measured with one process first, between every two points and last (1, 2, 1, 4, 1,
 * 8, 1): the machine's speed drifts over minutes, so each point is compared with the mean of
 * the one-process runs just before and after it. The one-process point is the mean of all of them.
 */
export async function measureInterleaved<T>(
  counts: readonly number[],
  measure: (count: number) => Promise<T>,
  meanOf: (points: readonly T[]) => T,
): Promise<CurvePoint<T>[]> {
  const lones = [await measure(1)];
  const others: T[] = [];
  for (const count of counts) {
    if (count === 1) continue;
    others.push(await measure(count));
    lones.push(await measure(1));
  }
  const lone = meanOf(lones);
  return [
    { point: lone, baseline: lone },
    ...others.map((point, i) => ({ point, baseline: meanOf(lones.slice(i, i + 2)) })),
  ];
}

/** The mean of one figure over several runs of a point. */
export function meanBy<T>(points: readonly T[], figure: (point: T) => number): number {
  return points.reduce((sum, point) => sum + figure(point), 0) / points.length;
}
