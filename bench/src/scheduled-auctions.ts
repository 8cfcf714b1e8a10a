import { type AuctionHouse, type CreateAuctionInput, createAuctionHouse, createAuctionInputSchema } from '@outcry/core';
import { type AuctionState, buildAuctionSpec, createInitialState } from '@outcry/core/engine';
import { type BenchMode, type BenchRow, createRow, type SuiteContext } from './bench-row.js';

const SUITE = 'scheduled-auctions';
const DAY = 86_400_000;

interface ScheduledBudget {
  readonly auctions: number;
  readonly idleMs: number;
  /** Rest before the idle measurement starts. */
  readonly settleMs: number;
  /** createAuction calls in flight at once. */
  readonly window: number;
}

const BUDGETS: Record<BenchMode, ScheduledBudget> = {
  full: { auctions: 100_000, idleMs: 5_000, settleMs: 1_000, window: 10_000 },
  quick: { auctions: 100_000, idleMs: 2_000, settleMs: 500, window: 10_000 },
  tiny: { auctions: 1_000, idleMs: 100, settleMs: 20, window: 500 },
};

const MB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

/** Heap in use after a full collection when the process runs with --expose-gc (several passes: weak refs, finalisers). */
function settledHeapUsed(): number {
  if (gc !== undefined) for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/**
 * What a structure holds, in MB: the heap with it minus the heap once `release` has dropped it.
 * Measured by removal rather than by addition, so garbage left by earlier suites (freed at
 * whatever moment) cannot fall into the difference.
 */
async function heapHeldBy(release: () => Promise<void>): Promise<number> {
  const held = settledHeapUsed();
  await release();
  await sleep(10);
  return (held - settledHeapUsed()) / MB;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CPU time (user + system, ms) the whole process spends while we only wait `idleMs`, after a
 * collection and `settleMs` of rest, so that finishing the previous work (concurrent GC threads
 * sweeping what creation allocated) is not counted as idling.
 */
async function idleCpuMs(idleMs: number, settleMs: number): Promise<number> {
  settledHeapUsed();
  await sleep(settleMs);
  const before = process.cpuUsage();
  await sleep(idleMs);
  const used = process.cpuUsage(before);
  // cpuUsage counts microseconds: a zero means "under 1 µs", and 1 µs keeps the ratio finite.
  return Math.max(1, used.user + used.system) / 1_000;
}

function scheduledInput(k: number, startsAt: number): CreateAuctionInput {
  return {
    id: `s${k}`,
    sellerId: 'seller',
    title: `Scheduled lot ${k}`,
    currency: 'USD',
    startingPrice: 100,
    startsAt,
    endsAt: startsAt + DAY + (k % 3_600) * 1_000,
  };
}

/** What `count` scheduled auctions cost in one house while nothing happens. */
export interface ScheduledCost {
  readonly auctions: number;
  /** Heap the house holds, measured by removal, in MB. */
  readonly heapMb: number;
  /** Whole-process CPU while idling, in ms per second. */
  readonly idleCpuMsPerSecond: number;
  /** Deadlines the house keeps armed. */
  readonly deadlines: number;
}

/**
 * Heap held and idle CPU of a house with `count` auctions starting in 30 days (the same
 * measurement as the suite below, for one size): the scaling suite calls it for several sizes.
 */
export async function measureScheduledCost(
  count: number,
  idleMs: number,
  settleMs: number,
  window = 10_000,
): Promise<ScheduledCost> {
  const startsAt = Date.now() + 30 * DAY;
  let house: AuctionHouse | null = createAuctionHouse();
  await house.start();
  for (let start = 0; start < count; start += window) {
    const created = house;
    await Promise.all(
      Array.from({ length: Math.min(window, count - start) }, (_, k) =>
        created.createAuction(scheduledInput(start + k, startsAt)),
      ),
    );
  }
  const deadlines = house.metrics().scheduler.deadlines;
  const cpuMs = await idleCpuMs(idleMs, settleMs);
  const heapMb = await heapHeldBy(async () => {
    await house?.stop();
    house = null;
  });
  return { auctions: count, heapMb, idleCpuMsPerSecond: (cpuMs * 1_000) / idleMs, deadlines };
}

/**
 * What many auctions waiting to open cost while nothing happens: heap held and CPU burnt by a
 * house with `auctions` scheduled auctions (starting in 30 days), next to an idle house with none.
 * The timers must not grow with the number of auctions (one deadline structure, one timer).
 */
export async function runScheduledAuctionsSuite(context: SuiteContext): Promise<BenchRow[]> {
  const b = BUDGETS[context.mode];
  const noGc = gc === undefined ? ' (run without --expose-gc: heap figures are noisy)' : '';
  const startsAt = Date.now() + 30 * DAY;
  const inputs = Array.from({ length: b.auctions }, (_, k) => scheduledInput(k, startsAt));

  // Baseline: an idle house with no auctions.
  let empty: AuctionHouse | null = createAuctionHouse();
  await empty.start();
  const emptyCpuMs = await idleCpuMs(b.idleMs, b.settleMs);
  const emptyHeapMb = await heapHeldBy(async () => {
    await empty?.stop();
    empty = null;
  });
  context.log(`idle house: ${emptyHeapMb.toFixed(2)} MB held, ${emptyCpuMs.toFixed(1)} ms CPU in ${b.idleMs} ms`);

  // The same house holding the scheduled auctions.
  let house: AuctionHouse | null = createAuctionHouse();
  await house.start();
  const began = performance.now();
  for (let start = 0; start < inputs.length; start += b.window) {
    const created = house;
    await Promise.all(inputs.slice(start, start + b.window).map((input) => created.createAuction(input)));
  }
  const createRate = (inputs.length * 1_000) / (performance.now() - began);
  const deadlines = house.metrics().scheduler.deadlines;
  context.log(
    `created ${b.auctions.toLocaleString('en-US')} scheduled auctions (${Math.round(createRate)}/s); idling ${b.idleMs} ms`,
  );
  const cpuMs = await idleCpuMs(b.idleMs, b.settleMs);
  const heapMb = await heapHeldBy(async () => {
    await house?.stop();
    house = null;
  });
  context.log(`${heapMb.toFixed(1)} MB held, ${cpuMs.toFixed(1)} ms CPU in ${b.idleMs} ms`);

  // For scale: the same auctions as bare engine states in a Map, the least memory that holds them.
  const now = Date.now();
  const bare = new Map<string, AuctionState>();
  for (const input of inputs) {
    const spec = buildAuctionSpec(createAuctionInputSchema.parse(input), input.id as string, now);
    bare.set(spec.id, createInitialState(spec, now));
  }
  if (bare.size !== inputs.length) throw new Error('bare map lost auctions');
  const bareHeapMb = await heapHeldBy(() => {
    bare.clear();
    return Promise.resolve();
  });

  const perAuction = Math.round((heapMb * MB) / b.auctions);
  const count = b.auctions.toLocaleString('en-US');
  const perSecond = (ms: number) => (ms * 1_000) / b.idleMs;
  const details = {
    auctions: b.auctions,
    idleMs: b.idleMs,
    bytesPerAuction: perAuction,
    deadlines,
    createAuctionsPerSecond: createRate,
    exposedGc: gc !== undefined,
    cpuMsTotal: cpuMs,
    baselineCpuMsTotal: emptyCpuMs,
  };
  return [
    createRow({
      suite: SUITE,
      name: `${count} scheduled auctions: heap held`,
      figure: heapMb,
      unit: 'MB',
      baseline: 'idle house, no auctions',
      baselineFigure: emptyHeapMb,
      better: 'lower',
      notes: `${perAuction.toLocaleString('en-US')} bytes per auction (state, ledger, cache, deadline); heap used after GC${noGc}`,
      details,
    }),
    createRow({
      suite: SUITE,
      name: `${count} scheduled auctions: heap held`,
      figure: heapMb,
      unit: 'MB',
      baseline: `${count} engine states in a bare Map`,
      baselineFigure: bareHeapMb,
      better: 'lower',
      notes: `what the house keeps beyond the bare states it must hold${noGc}`,
      details,
    }),
    createRow({
      suite: SUITE,
      name: `${count} scheduled auctions: CPU while idle`,
      figure: perSecond(cpuMs),
      unit: 'ms CPU/s',
      baseline: 'idle house, no auctions',
      baselineFigure: perSecond(emptyCpuMs),
      better: 'lower',
      notes: `process.cpuUsage over ${b.idleMs / 1_000} s of idling, per second; ${deadlines.toLocaleString('en-US')} deadlines armed, one timer`,
      details,
    }),
  ];
}
