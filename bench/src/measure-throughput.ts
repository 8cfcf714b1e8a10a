import { Bench } from 'tinybench';
import { quantile } from './quantile.js';

/** A synchronous piece of work that performs `opsPerCall` operations each time it is called. */
export interface ThroughputTask {
  readonly name: string;
  readonly opsPerCall: number;
  readonly fn: () => void;
}

export interface ThroughputBudget {
  /** Measured time per task, summed over rounds (ms). */
  readonly timeMs: number;
  /** Warm-up per task and round (ms). */
  readonly warmupMs: number;
  /** Tasks run in turn this many times, in rotated order, so drift on shared cores hits each alike. */
  readonly rounds: number;
  /** Minimum calls per task and round (tinybench keeps going until both limits are met). */
  readonly minCalls: number;
}

export interface Throughput {
  /** Median over every call of every round, in operations per second. */
  readonly opsPerSecond: number;
  /** Interquartile range of the per-call rates, for the notes. */
  readonly p25: number;
  readonly p75: number;
  readonly samples: number;
}

/**
 * Time several tasks with tinybench, in rounds of rotated order, and report the median rate of
 * each. A call does a whole batch of operations (a thousand bids, say) so that the timer's own
 * cost is a rounding error next to the work; the rate is `opsPerCall / call time`.
 */
export async function measureThroughput(
  tasks: readonly ThroughputTask[],
  budget: ThroughputBudget,
): Promise<Map<string, Throughput>> {
  const rates = new Map<string, number[]>(tasks.map((task) => [task.name, []]));
  for (let round = 0; round < budget.rounds; round++) {
    const bench = new Bench({
      time: budget.timeMs / budget.rounds,
      warmupTime: budget.warmupMs,
      iterations: budget.minCalls,
      warmupIterations: Math.min(16, budget.minCalls),
      retainSamples: true,
      throws: true,
    });
    const order = tasks.map((_, i) => tasks[(i + round) % tasks.length] as ThroughputTask);
    for (const task of order) bench.add(task.name, task.fn);
    await bench.run();
    for (const task of order) {
      const result = bench.getTask(task.name)?.result;
      if (result === undefined || !('latency' in result) || result.latency.samples === undefined) {
        throw new Error(`tinybench returned no samples for ${task.name}`);
      }
      const bucket = rates.get(task.name) as number[];
      for (const ms of result.latency.samples) if (ms > 0) bucket.push((task.opsPerCall * 1_000) / ms);
    }
  }
  const out = new Map<string, Throughput>();
  for (const [name, values] of rates) {
    values.sort((a, b) => a - b);
    out.set(name, {
      opsPerSecond: quantile(values, 0.5),
      p25: quantile(values, 0.25),
      p75: quantile(values, 0.75),
      samples: values.length,
    });
  }
  return out;
}
