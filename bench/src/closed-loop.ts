/** What a closed-loop run measured: per-call latencies (sorted, ms), errors, and its length. */
export interface ClosedLoopRun {
  readonly latencies: number[];
  readonly errors: number;
  readonly elapsedMs: number;
}

/**
 * `lanes` callers, each making one call after the other until `durationMs` is over: the load a
 * fixed number of users puts on a system. A failed call counts as an error, not a latency.
 */
export async function runClosedLoop(
  lanes: number,
  durationMs: number,
  call: (lane: number) => Promise<unknown>,
): Promise<ClosedLoopRun> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const stopAt = started + durationMs;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      while (performance.now() < stopAt) {
        const t0 = performance.now();
        try {
          await call(lane);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { latencies, errors, elapsedMs };
}
