/**
 * How long a suite may take. `full` is the published run (several seconds per figure), `quick`
 * a representative minute, `tiny` a few thousand operations for the smoke test: its figures only
 * prove that the suite runs, they mean nothing.
 */
export type BenchMode = 'full' | 'quick' | 'tiny';

/** What every suite function receives. */
export interface SuiteContext {
  readonly mode: BenchMode;
  /** One progress line; main.ts prefixes it with the suite name. */
  readonly log: (line: string) => void;
  /**
   * Set when the run was asked for CPU profiles (`--cpu-profile`): wrap the system under test,
   * not its baseline, so that the profile shows only its hot path. Use `profiled` below.
   */
  readonly profile?: <T>(label: string, work: () => Promise<T>) => Promise<T>;
}

/** Run `work` under the context's CPU profiler when there is one, plainly otherwise. */
export function profiled<T>(context: SuiteContext, label: string, work: () => Promise<T>): Promise<T> {
  return context.profile === undefined ? work() : context.profile(label, work);
}

/**
 * One figure next to the baseline it is judged against, both measured in the same run.
 * `ratio` is always `figure / baselineFigure`; `better` says which way is good, so a reader
 * knows whether 0.3x is a loss (throughput) or a win (latency, memory, CPU).
 */
export interface BenchRow {
  readonly suite: string;
  readonly name: string;
  readonly figure: number;
  readonly unit: string;
  readonly baseline: string;
  readonly baselineFigure: number;
  readonly ratio: number;
  readonly better: 'higher' | 'lower';
  readonly notes: string;
  /** Further figures of the same measurement (sample counts, spreads, metrics), kept in the JSON. */
  readonly details: Readonly<Record<string, number | string | boolean>>;
}

/** A suite: a function of the context that measures and returns its rows. */
export type Suite = (context: SuiteContext) => Promise<BenchRow[]>;

/** Build a row; the ratio is computed here so that no suite computes it differently. */
export function createRow(row: Omit<BenchRow, 'ratio' | 'details'> & { details?: BenchRow['details'] }): BenchRow {
  return { ...row, ratio: row.figure / row.baselineFigure, details: row.details ?? {} };
}
