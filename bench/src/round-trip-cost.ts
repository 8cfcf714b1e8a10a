/**
 * What one round trip to Redis costs a process in CPU, apart from what it carries: the same
 * commands sent one to a trip and `batch` to a trip, by a process capped like the suite's houses.
 * Every trip is a socket write, a wake-up for its reply and a read: the part of a bid's cost
 * that only fewer trips a bid (larger batches, a turn's calls sent together) brings down.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CpuCaps } from './cpu-caps.js';
import { forkScript, nextMessage, stopChild } from './fork-script.js';
import type { FromRoundTripChild, ToRoundTripChild } from './round-trip-child.js';

const childFile = fileURLToPath(new URL('./round-trip-child.ts', import.meta.url));

export interface RoundTripCost {
  /** CPU of a trip carrying one command, µs. */
  readonly tripCpuUs: number;
  /** CPU a command when `batch` travel together, µs. */
  readonly batchedCpuUsPerCommand: number;
  readonly batch: number;
  /** Trips a second of the process alone, one command each. */
  readonly tripsPerSecond: number;
}

export interface RoundTripSetup {
  /** Where the child finds Redis (`RedisTarget.env` of a single server). */
  readonly redisEnv: Readonly<Record<string, string>>;
  readonly caps: CpuCaps;
  /** CPU of the process, in cores; null: uncapped. */
  readonly cores: number | null;
  readonly trips: number;
  readonly batch: number;
}

type TripsResult = Extract<FromRoundTripChild, { kind: 'result' }>;

const isResult = (message: unknown): message is TripsResult =>
  (message as FromRoundTripChild | null)?.kind === 'result';
const isReady = (message: unknown): message is Extract<FromRoundTripChild, { kind: 'ready' }> =>
  (message as FromRoundTripChild | null)?.kind === 'ready';

async function run(child: ChildProcess, perTrip: number, trips: number): Promise<TripsResult> {
  const answer = nextMessage(child, isResult, 120_000, 'round-trip child (run)');
  child.send({ cmd: 'run', perTrip, trips } satisfies ToRoundTripChild);
  return answer;
}

/** One trip at a time and `batch` at a time, each measured twice in mirrored order (1, n, n, 1). */
export async function measureRoundTripCost(setup: RoundTripSetup): Promise<RoundTripCost> {
  const child = forkScript(childFile, [], { env: setup.redisEnv });
  try {
    await nextMessage(child, isReady, 60_000, 'round-trip child (start)');
    if (setup.cores !== null) setup.caps.cap(child.pid as number, 'round-trip', setup.cores);
    const single: TripsResult[] = [];
    const batched: TripsResult[] = [];
    for (const batch of [false, true, true, false]) {
      if (batch) batched.push(await run(child, setup.batch, Math.ceil(setup.trips / setup.batch)));
      else single.push(await run(child, 1, setup.trips));
    }
    const sum = (results: readonly TripsResult[], key: 'cpuUs' | 'ops' | 'ms') =>
      results.reduce((s, r) => s + r[key], 0);
    return {
      tripCpuUs: sum(single, 'cpuUs') / sum(single, 'ops'),
      batchedCpuUsPerCommand: sum(batched, 'cpuUs') / sum(batched, 'ops'),
      batch: setup.batch,
      tripsPerSecond: sum(single, 'ops') / (sum(single, 'ms') / 1_000),
    };
  } finally {
    await stopChild(child);
  }
}
