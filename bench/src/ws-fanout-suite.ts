import { type BenchMode, type BenchRow, createRow, type SuiteContext } from './bench-row.js';
import { type FanoutResult, runWsFanoutBench, type WsFanoutOptions } from './ws-fanout.js';

const SUITE = 'ws-fanout';

const OPTIONS: Record<BenchMode, WsFanoutOptions> = {
  full: { sizes: [1_000, 10_000], clientProcesses: 2, rates: [{ bidsPerSecond: 5, seconds: 6 }], burstBids: 100 },
  quick: { sizes: [1_000], clientProcesses: 2, rates: [{ bidsPerSecond: 5, seconds: 3 }], burstBids: 50 },
  tiny: { sizes: [50], clientProcesses: 1, rates: [{ bidsPerSecond: 5, seconds: 1 }], burstBids: 10 },
};

/** Latencies are taken with Date.now (1 ms steps): a 0 stands for "under a millisecond". */
const atLeastClockStep = (ms: number) => Math.max(ms, 0.5);

/**
 * The WebSocket fan-out bench of `ws-fanout.ts` (gateway vs bare ws broadcast, the same raw
 * WebSocket subscribers in child processes for both) as rows: p99 delivery latency at a steady 5 bids/s, and the delivery rate of a
 * burst, for each number of watchers.
 */
export async function runWsFanoutSuite(context: SuiteContext): Promise<BenchRow[]> {
  const options = OPTIONS[context.mode];
  context.log(
    `watchers ${options.sizes?.join(', ')}; steady ${options.rates?.map((r) => `${r.bidsPerSecond} bids/s for ${r.seconds} s`).join(', ')}; burst of ${options.burstBids} bids`,
  );
  const results = await runWsFanoutBench(options);
  const rows: BenchRow[] = [];
  const bySize = new Map<number, { gateway?: FanoutResult; bare?: FanoutResult }>();
  for (const result of results) {
    const entry = bySize.get(result.sockets) ?? {};
    if (result.server === 'gateway') entry.gateway = result;
    else entry.bare = result;
    bySize.set(result.sockets, entry);
  }
  for (const [sockets, { gateway, bare }] of bySize) {
    if (gateway === undefined || bare === undefined) continue;
    const watchers = sockets.toLocaleString('en-US');
    const steady = gateway.phases[0];
    const bareSteady = bare.phases[0];
    const burst = gateway.phases.at(-1);
    const bareBurst = bare.phases.at(-1);
    if (steady !== undefined && bareSteady !== undefined) {
      rows.push(
        createRow({
          suite: SUITE,
          name: `WebSocket fan-out, ${watchers} watchers of one auction, p99 at ${steady.name}`,
          figure: atLeastClockStep(steady.latency.p99),
          unit: 'ms',
          baseline: `bare ws broadcast (one send per socket), same messages, p99`,
          baselineFigure: atLeastClockStep(bareSteady.latency.p99),
          better: 'lower',
          notes: `target p99 < 100 ms at 10,000 watchers and 5 bids/s; gateway latency from each bid's intake, bare from the broadcast; p50 ${steady.latency.p50} vs ${bareSteady.latency.p50} ms; delivered ${steady.latency.deliveries}/${steady.latency.expected} vs ${bareSteady.latency.deliveries}/${bareSteady.latency.expected}`,
          details: {
            sockets,
            p50Ms: steady.latency.p50,
            maxMs: steady.latency.max,
            baselineP50Ms: bareSteady.latency.p50,
            baselineMaxMs: bareSteady.latency.max,
            deliveries: steady.latency.deliveries,
            expected: steady.latency.expected,
          },
        }),
      );
    }
    if (burst !== undefined && bareBurst !== undefined) {
      rows.push(
        createRow({
          suite: SUITE,
          name: `WebSocket fan-out, ${watchers} watchers, ${burst.name}: delivery rate`,
          figure: burst.deliveriesPerSecond,
          unit: 'msg/s',
          baseline: 'bare ws broadcast of the same number of messages',
          baselineFigure: bareBurst.deliveriesPerSecond,
          better: 'higher',
          notes: `aim 2x bare ws (frame once, coalesce per tick); p99 ${burst.latency.p99} vs ${bareBurst.latency.p99} ms; delivered ${burst.latency.deliveries}/${burst.latency.expected}`,
          details: {
            sockets,
            p99Ms: burst.latency.p99,
            baselineP99Ms: bareBurst.latency.p99,
            deliveries: burst.latency.deliveries,
            expected: burst.latency.expected,
          },
        }),
      );
    }
  }
  if (rows.length === 0) throw new Error('the fan-out bench returned no comparable phases');
  return rows;
}
