import { createAuctionInputSchema } from '@outcry/core';
import {
  type AuctionState,
  applyCommand,
  buildAuctionSpec,
  createInitialState,
  type PlaceBidCommand,
} from '@outcry/core/engine';
import { type BenchMode, type BenchRow, createRow, type SuiteContext } from './bench-row.js';
import { measureThroughput, type ThroughputBudget } from './measure-throughput.js';

const SUITE = 'engine';
const STARTING_PRICE = 100;
const INCREMENT = 10;
/** Bids per tinybench call: enough that the timer's cost per call disappears in the work. */
const BIDS_PER_CALL = 1_000;
const T0 = Date.UTC(2030, 0, 1);
const BIDDERS = ['bidder-a', 'bidder-b'] as const;

const BUDGETS: Record<BenchMode, ThroughputBudget & { cycle: number }> = {
  full: { timeMs: 6_000, warmupMs: 500, rounds: 3, minCalls: 64, cycle: 100_000 },
  quick: { timeMs: 1_500, warmupMs: 200, rounds: 2, minCalls: 32, cycle: 100_000 },
  tiny: { timeMs: 20, warmupMs: 5, rounds: 1, minCalls: 2, cycle: 2_000 },
};

/** The hot auction: fixed increment (so every raise is exactly one step), soft close on but never reached. */
function createHotAuction(): AuctionState {
  const input = createAuctionInputSchema.parse({
    sellerId: 'seller',
    title: 'Hot lot',
    currency: 'USD',
    startingPrice: STARTING_PRICE,
    increment: { type: 'fixed', amount: INCREMENT },
    startsAt: T0,
    endsAt: T0 + 7 * 86_400_000,
    softClose: { windowMs: 60_000, extendMs: 60_000 },
  });
  return createInitialState(buildAuctionSpec(input, 'hot', T0), T0);
}

/** Bid i of the run: the two bidders take turns, each raising the other by exactly one increment. */
function bidAt(i: number): PlaceBidCommand {
  return {
    type: 'bid',
    auctionId: 'hot',
    bidId: `b${i.toString(36)}`,
    bidderId: BIDDERS[i & 1] as string,
    amount: STARTING_PRICE + i * INCREMENT,
    receivedAt: T0 + 1 + i,
  };
}

/**
 * The pure engine on one hot auction, next to the simplest compare-and-update a bare JavaScript
 * loop can do on a plain object, both timed by tinybench in the same run. Every bid is accepted
 * and raises the price; after `cycle` bids the auction starts over from its fresh state.
 */
export async function runEngineSuite(context: SuiteContext): Promise<BenchRow[]> {
  const budget = BUDGETS[context.mode];
  const initial = createHotAuction();
  const commands = Array.from({ length: budget.cycle }, (_, i) => bidAt(i));
  let rejected = 0;

  // Baseline: the least work "judge a bid" can be: compare with the minimum, then update.
  const bare = { price: 0, leaderId: '', minimumBid: STARTING_PRICE, seq: 1 };
  let bareAt = 0;
  const bareLoop = (): void => {
    for (let k = 0; k < BIDS_PER_CALL; k++) {
      if (bareAt === commands.length) {
        bareAt = 0;
        bare.price = 0;
        bare.leaderId = '';
        bare.minimumBid = STARTING_PRICE;
        bare.seq = 1;
      }
      const command = commands[bareAt++] as PlaceBidCommand;
      if (command.amount >= bare.minimumBid) {
        bare.price = command.amount;
        bare.leaderId = command.bidderId;
        bare.minimumBid = command.amount + INCREMENT;
        bare.seq++;
      } else rejected++;
    }
  };

  // The engine on commands built before the timed loop: what the sequencer hands it.
  let state = initial;
  let at = 0;
  const enginePrebuilt = (): void => {
    for (let k = 0; k < BIDS_PER_CALL; k++) {
      if (at === commands.length) {
        at = 0;
        state = initial;
      }
      const decision = applyCommand(state, commands[at++] as PlaceBidCommand);
      if (!decision.changed) rejected++;
      state = decision.state as AuctionState;
    }
  };

  // The engine with each command built in the loop, as intake builds it per bid (new object, new bidId).
  let builtState = initial;
  let builtAt = 0;
  const engineBuilt = (): void => {
    for (let k = 0; k < BIDS_PER_CALL; k++) {
      if (builtAt === budget.cycle) {
        builtAt = 0;
        builtState = initial;
      }
      const decision = applyCommand(builtState, bidAt(builtAt++));
      if (!decision.changed) rejected++;
      builtState = decision.state as AuctionState;
    }
  };

  context.log(`tinybench: ${budget.timeMs} ms per task over ${budget.rounds} round(s), ${BIDS_PER_CALL} bids per call`);
  const results = await measureThroughput(
    [
      { name: 'bare', opsPerCall: BIDS_PER_CALL, fn: bareLoop },
      { name: 'prebuilt', opsPerCall: BIDS_PER_CALL, fn: enginePrebuilt },
      { name: 'built', opsPerCall: BIDS_PER_CALL, fn: engineBuilt },
    ],
    budget,
  );
  if (rejected > 0) throw new Error(`engine suite: ${rejected} bids were rejected; every bid should raise the price`);
  const baseline = results.get('bare');
  const prebuilt = results.get('prebuilt');
  const built = results.get('built');
  if (baseline === undefined || prebuilt === undefined || built === undefined)
    throw new Error('engine suite: missing result');
  context.log(
    `bare ${Math.round(baseline.opsPerSecond)}/s, engine ${Math.round(prebuilt.opsPerSecond)}/s, built per bid ${Math.round(built.opsPerSecond)}/s`,
  );

  const baselineName = 'bare JS compare-and-update loop, plain object';
  const spread = (t: { p25: number; p75: number; samples: number }) =>
    `IQR ${Math.round(t.p25).toLocaleString('en-US')}–${Math.round(t.p75).toLocaleString('en-US')}/s over ${t.samples} samples`;
  const details = (t: typeof prebuilt) => ({
    p25: t.p25,
    p75: t.p75,
    samples: t.samples,
    baselineP25: baseline.p25,
    baselineP75: baseline.p75,
    baselineSamples: baseline.samples,
    bidsPerCall: BIDS_PER_CALL,
    cycle: budget.cycle,
  });
  return [
    createRow({
      suite: SUITE,
      name: 'pure engine, one hot auction (pre-built commands)',
      figure: prebuilt.opsPerSecond,
      unit: 'bids/s',
      baseline: baselineName,
      baselineFigure: baseline.opsPerSecond,
      better: 'higher',
      notes: `target >= 2,000,000 bids/s (aim 5M); commands built before the timed loop, as the sequencer receives them; median ops/s, ${spread(prebuilt)}`,
      details: details(prebuilt),
    }),
    createRow({
      suite: SUITE,
      name: 'pure engine, one hot auction (command built per bid)',
      figure: built.opsPerSecond,
      unit: 'bids/s',
      baseline: baselineName,
      baselineFigure: baseline.opsPerSecond,
      better: 'higher',
      notes: `target >= 2,000,000 bids/s; each command object and bidId made in the loop, as intake does; ${spread(built)}`,
      details: details(built),
    }),
  ];
}
