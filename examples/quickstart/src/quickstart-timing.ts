/** How long things take in one run of the quickstart. */
export interface QuickstartTiming {
  /** From opening to the original end. */
  readonly durationMs: number;
  /** A bid this close to the end extends the auction ... */
  readonly softCloseWindowMs: number;
  /** ... to this long after the bid (mode 'reset'). */
  readonly softCloseExtendMs: number;
  /** At most this many extensions, so a run always ends. */
  readonly maxExtensions: number;
  /** Time between two redraws. */
  readonly frameMs: number;
  /** Bots think in "normal" milliseconds; their waits are multiplied by this. */
  readonly botScale: number;
  /** A plain (non-TTY) run prints a status line this often. */
  readonly statusEveryMs: number;
}

/** About 35 s, and at most 35 + 3 × 8 = 59 s with every extension. */
export const NORMAL_TIMING: QuickstartTiming = {
  durationMs: 35_000,
  softCloseWindowMs: 8_000,
  softCloseExtendMs: 8_000,
  maxExtensions: 3,
  frameMs: 150,
  botScale: 1,
  statusEveryMs: 5_000,
};

/** The same auction ten times faster: about 3.5 s, at most 5.1 s (`--fast`, tests). */
export const FAST_TIMING: QuickstartTiming = {
  durationMs: 3_500,
  softCloseWindowMs: 800,
  softCloseExtendMs: 800,
  maxExtensions: 2,
  frameMs: 100,
  botScale: 0.1,
  statusEveryMs: 1_000,
};
