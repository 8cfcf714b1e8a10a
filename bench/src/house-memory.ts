import { type AuctionHouse, createAuctionHouse, type PlaceBidInput } from '@outcry/core';
import { type BenchMode, type BenchRow, createRow, profiled, type SuiteContext } from './bench-row.js';
import { quantile } from './quantile.js';

const SUITE = 'house-memory';
const STARTING_PRICE = 100;
const INCREMENT = 10;
const BIDDERS = ['bidder-a', 'bidder-b'] as const;

interface HouseBudget {
  readonly auctions: number;
  /** placeBid calls in flight at once during the throughput runs. */
  readonly window: number;
  readonly warmBids: number;
  readonly bids: number;
  readonly hotWarmBids: number;
  readonly hotBids: number;
  /** placeBid calls in flight at once during the latency run, and how many such windows. */
  readonly latencyWindow: number;
  readonly latencyWindows: number;
  /** Passes of the bare loops over the same bids (half before the house runs, half after). */
  readonly baselinePasses: number;
}

const BUDGETS: Record<BenchMode, HouseBudget> = {
  full: {
    auctions: 10_000,
    window: 10_000,
    warmBids: 100_000,
    bids: 500_000,
    hotWarmBids: 50_000,
    hotBids: 300_000,
    latencyWindow: 1_000,
    latencyWindows: 200,
    baselinePasses: 4,
  },
  quick: {
    auctions: 10_000,
    window: 10_000,
    warmBids: 50_000,
    bids: 150_000,
    hotWarmBids: 20_000,
    hotBids: 100_000,
    latencyWindow: 1_000,
    latencyWindows: 50,
    baselinePasses: 2,
  },
  tiny: {
    auctions: 100,
    window: 500,
    warmBids: 200,
    bids: 2_000,
    hotWarmBids: 200,
    hotBids: 1_000,
    latencyWindow: 100,
    latencyWindows: 3,
    baselinePasses: 2,
  },
};

/**
 * Bid j over `auctions` auctions, round-robin: in round r = floor(j / auctions) every auction gets
 * one bid of `start + r * increment` from the bidder whose turn it is, so every bid is accepted
 * and raises the price by one step.
 */
function buildBids(auctionIds: readonly string[], count: number): PlaceBidInput[] {
  const n = auctionIds.length;
  return Array.from({ length: count }, (_, j) => {
    const round = Math.floor(j / n);
    return {
      auctionId: auctionIds[j % n] as string,
      bidderId: BIDDERS[round & 1] as string,
      amount: STARTING_PRICE + round * INCREMENT,
    };
  });
}

// ---- the bare baselines ----------------------------------------------------------------------

interface BareAuction {
  price: number;
  leaderId: string;
  minimumBid: number;
  bidCount: number;
  seq: number;
}

function createBareAuctions(auctionIds: readonly string[]): Map<string, BareAuction> {
  return new Map(
    auctionIds.map((id) => [id, { price: 0, leaderId: '', minimumBid: STARTING_PRICE, bidCount: 0, seq: 1 }]),
  );
}

/** The same compare-and-update per bid as the engine's simplest case, on plain objects in a Map. */
function applyBare(auctions: Map<string, BareAuction>, bid: PlaceBidInput): boolean {
  const auction = auctions.get(bid.auctionId);
  if (auction === undefined || bid.amount < auction.minimumBid) return false;
  auction.price = bid.amount;
  auction.leaderId = bid.bidderId;
  auction.minimumBid = bid.amount + INCREMENT;
  auction.bidCount++;
  auction.seq++;
  return true;
}

/** The same, plus one JSON.stringify of a bid.accepted-shaped event: the least a real system must also do. */
function applyBareWithEvent(auctions: Map<string, BareAuction>, bid: PlaceBidInput, j: number, at: number): number {
  const auction = auctions.get(bid.auctionId);
  if (auction === undefined || bid.amount < auction.minimumBid) return 0;
  auction.price = bid.amount;
  auction.leaderId = bid.bidderId;
  auction.minimumBid = bid.amount + INCREMENT;
  auction.bidCount++;
  auction.seq++;
  return JSON.stringify({
    type: 'bid.accepted',
    auctionId: bid.auctionId,
    seq: auction.seq,
    at,
    bidId: j.toString(36),
    bidderId: bid.bidderId,
    price: auction.price,
    leaderId: auction.leaderId,
    bidCount: auction.bidCount,
    minimumBid: auction.minimumBid,
    reserveMet: true,
    endsAt: at + 86_400_000,
    buyNow: false,
  }).length;
}

/**
 * Run a bare loop over `bids` in windows of `window`, warm part first (untimed), starting from fresh
 * objects each pass. Returns the rate of every timed window.
 */
function runBarePasses(
  auctionIds: readonly string[],
  bids: readonly PlaceBidInput[],
  warm: number,
  window: number,
  passes: number,
  withEvent: boolean,
): number[] {
  const rates: number[] = [];
  let sink = 0;
  for (let pass = 0; pass < passes; pass++) {
    const auctions = createBareAuctions(auctionIds);
    const at = Date.now();
    for (let start = 0; start < bids.length; start += window) {
      const end = Math.min(start + window, bids.length);
      const began = performance.now();
      if (withEvent)
        for (let j = start; j < end; j++) sink += applyBareWithEvent(auctions, bids[j] as PlaceBidInput, j, at);
      else for (let j = start; j < end; j++) sink += applyBare(auctions, bids[j] as PlaceBidInput) ? 1 : 0;
      const took = performance.now() - began;
      if (start >= warm && took > 0) rates.push(((end - start) * 1_000) / took);
    }
  }
  if (sink === 0) throw new Error('bare loop accepted nothing');
  return rates.sort((a, b) => a - b);
}

/** A promise-per-call API with no work behind it but the Map update: the floor of per-call latency. */
function placeBareBid(auctions: Map<string, BareAuction>, bid: PlaceBidInput): Promise<boolean> {
  return Promise.resolve(applyBare(auctions, bid));
}

// ---- the house ---------------------------------------------------------------------------------

interface WindowRun {
  readonly rates: number[];
  readonly accepted: number;
  readonly batches: number;
  readonly commands: number;
}

/** Place `bids[from, to)` in windows of `window` concurrent calls; rates of each window. */
async function placeInWindows(
  house: AuctionHouse,
  bids: readonly PlaceBidInput[],
  from: number,
  to: number,
  window: number,
): Promise<WindowRun> {
  const before = house.metrics().sequencer;
  const rates: number[] = [];
  let accepted = 0;
  for (let start = from; start < to; start += window) {
    const end = Math.min(start + window, to);
    const calls = new Array<Promise<{ status: string }>>(end - start);
    const began = performance.now();
    for (let j = start; j < end; j++) calls[j - start] = house.placeBid(bids[j] as PlaceBidInput);
    const outcomes = await Promise.all(calls);
    const took = performance.now() - began;
    rates.push(((end - start) * 1_000) / took);
    for (const outcome of outcomes) if (outcome.status === 'accepted') accepted++;
  }
  const after = house.metrics().sequencer;
  return {
    rates: rates.sort((a, b) => a - b),
    accepted,
    batches: after.batches - before.batches,
    commands: after.commands - before.commands,
  };
}

/** Per-call latency: from the call to its promise settling, `windows` times `size` calls in flight. */
async function measureLatency<T>(
  place: (bid: PlaceBidInput) => Promise<T>,
  bids: readonly PlaceBidInput[],
  from: number,
  size: number,
  windows: number,
): Promise<number[]> {
  const latencies: number[] = [];
  const record = (began: number) => () => {
    latencies.push(performance.now() - began);
  };
  for (let w = 0; w < windows; w++) {
    const calls = new Array<Promise<void>>(size);
    const base = from + w * size;
    for (let k = 0; k < size; k++) {
      const began = performance.now();
      calls[k] = place(bids[base + k] as PlaceBidInput).then(record(began));
    }
    await Promise.all(calls);
  }
  return latencies.sort((a, b) => a - b);
}

async function createAuctions(house: AuctionHouse, auctionIds: readonly string[], window: number): Promise<void> {
  const endsAt = Date.now() + 86_400_000;
  for (let start = 0; start < auctionIds.length; start += window) {
    await Promise.all(
      auctionIds.slice(start, start + window).map((id, k) =>
        house.createAuction({
          id,
          sellerId: 'seller',
          title: `Lot ${start + k}`,
          currency: 'USD',
          startingPrice: STARTING_PRICE,
          increment: { type: 'fixed', amount: INCREMENT },
          endsAt,
        }),
      ),
    );
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * The in-memory AuctionHouse (every port at its default) over many auctions and over one hot
 * auction, with many placeBid calls in flight, next to bare Map loops doing the same
 * compare-and-update per bid (with and without serialising an event) in the same run.
 */
export async function runHouseMemorySuite(context: SuiteContext): Promise<BenchRow[]> {
  const b = BUDGETS[context.mode];
  const auctionIds = Array.from({ length: b.auctions }, (_, k) => `a${k}`);
  const latencyBids = b.latencyWindow * b.latencyWindows;
  const spreadBids = buildBids(auctionIds, b.warmBids + b.bids + latencyBids);
  const measured = spreadBids.slice(0, b.warmBids + b.bids);
  const hotIds = ['hot'];
  const hotBids = buildBids(hotIds, b.hotWarmBids + b.hotBids);
  const half = Math.max(1, Math.floor(b.baselinePasses / 2));
  context.log(
    `${fmt(b.auctions)} auctions; ${fmt(b.bids)} bids (+${fmt(b.warmBids)} warm-up) in windows of ${fmt(b.window)}; hot auction ${fmt(b.hotBids)} bids; latency ${b.latencyWindows} x ${fmt(b.latencyWindow)} in flight`,
  );

  // Bare loops, first half of their passes.
  const bareRates = runBarePasses(auctionIds, measured, b.warmBids, b.window, half, false);
  const eventRates = runBarePasses(auctionIds, measured, b.warmBids, b.window, half, true);
  const hotEventRates = runBarePasses(hotIds, hotBids, b.hotWarmBids, b.window, half, true);

  const house = createAuctionHouse();
  await house.start();
  let spread: WindowRun;
  let hot: WindowRun;
  let latencies: number[];
  let createRate: number;
  try {
    const began = performance.now();
    await createAuctions(house, [...auctionIds, ...hotIds], b.window);
    createRate = ((auctionIds.length + 1) * 1_000) / (performance.now() - began);
    context.log(`created ${fmt(auctionIds.length + 1)} auctions (${fmt(createRate)}/s)`);

    await placeInWindows(house, spreadBids, 0, b.warmBids, b.window);
    spread = await profiled(context, 'house-memory-spread', () =>
      placeInWindows(house, spreadBids, b.warmBids, b.warmBids + b.bids, b.window),
    );
    context.log(
      `${fmt(auctionIds.length)} auctions: median ${fmt(quantile(spread.rates, 0.5))} bids/s, ${fmt(spread.accepted)} accepted`,
    );

    latencies = await measureLatency(
      (bid) => house.placeBid(bid),
      spreadBids,
      b.warmBids + b.bids,
      b.latencyWindow,
      b.latencyWindows,
    );
    context.log(
      `latency p50 ${quantile(latencies, 0.5).toFixed(3)} ms, p99 ${quantile(latencies, 0.99).toFixed(3)} ms`,
    );

    await placeInWindows(house, hotBids, 0, b.hotWarmBids, b.window);
    hot = await profiled(context, 'house-memory-hot', () =>
      placeInWindows(house, hotBids, b.hotWarmBids, b.hotWarmBids + b.hotBids, b.window),
    );
    context.log(`hot auction: median ${fmt(quantile(hot.rates, 0.5))} bids/s, ${fmt(hot.accepted)} accepted`);
  } finally {
    await house.stop();
  }
  const metrics = house.metrics();

  // Bare loops, second half, so that drift during the run weighs on both sides.
  bareRates.push(...runBarePasses(auctionIds, measured, b.warmBids, b.window, half, false));
  eventRates.push(...runBarePasses(auctionIds, measured, b.warmBids, b.window, half, true));
  hotEventRates.push(...runBarePasses(hotIds, hotBids, b.hotWarmBids, b.window, half, true));
  for (const rates of [bareRates, eventRates, hotEventRates]) rates.sort((x, y) => x - y);

  // Latency baseline: the same number of calls in flight on a bare promise-returning Map update.
  // The first pass warms it up; the second, on the next bids of the sequence, is measured.
  const bareAuctions = createBareAuctions(auctionIds);
  const placeBare = (bid: PlaceBidInput) => placeBareBid(bareAuctions, bid);
  await measureLatency(placeBare, spreadBids, 0, b.latencyWindow, b.latencyWindows);
  const bareLatencies = await measureLatency(placeBare, spreadBids, latencyBids, b.latencyWindow, b.latencyWindows);

  const spreadMedian = quantile(spread.rates, 0.5);
  const hotMedian = quantile(hot.rates, 0.5);
  const spreadBatch = spread.batches === 0 ? 0 : spread.commands / spread.batches;
  const hotBatch = hot.batches === 0 ? 0 : hot.commands / hot.batches;
  const target = 'target >= 500,000 bids/s on one core (aim 1M)';
  const spreadNotes = `${target}; ${fmt(spread.accepted)}/${fmt(b.bids)} accepted; sequencer averageBatch ${spreadBatch.toFixed(1)}; median of ${spread.rates.length} windows of ${fmt(b.window)} concurrent placeBid`;
  const spreadDetails = {
    auctions: b.auctions,
    bids: b.bids,
    window: b.window,
    accepted: spread.accepted,
    windows: spread.rates.length,
    p25: quantile(spread.rates, 0.25),
    p75: quantile(spread.rates, 0.75),
    averageBatch: spreadBatch,
    houseAverageBatch: metrics.sequencer.averageBatch,
    houseMaxBatch: metrics.sequencer.maxBatch,
    createAuctionsPerSecond: createRate,
  };
  const latencyNotes = `${b.latencyWindows} windows of ${fmt(b.latencyWindow)} calls in flight over ${fmt(b.auctions)} auctions; baseline answers each call with an already-resolved promise`;
  const latencyDetails = {
    calls: latencies.length,
    p90: quantile(latencies, 0.9),
    max: latencies.at(-1) ?? Number.NaN,
    baselineCalls: bareLatencies.length,
    baselineP90: quantile(bareLatencies, 0.9),
  };
  const bareLatencyName = `bare async Map update, ${fmt(b.latencyWindow)} in flight`;
  return [
    createRow({
      suite: SUITE,
      name: `AuctionHouse in memory, ${fmt(b.auctions)} auctions`,
      figure: spreadMedian,
      unit: 'bids/s',
      baseline: `bare Map loop, ${fmt(b.auctions)} plain objects`,
      baselineFigure: quantile(bareRates, 0.5),
      better: 'higher',
      notes: spreadNotes,
      details: { ...spreadDetails, baselineWindows: bareRates.length },
    }),
    createRow({
      suite: SUITE,
      name: `AuctionHouse in memory, ${fmt(b.auctions)} auctions`,
      figure: spreadMedian,
      unit: 'bids/s',
      baseline: 'bare Map loop + JSON.stringify of an event per bid',
      baselineFigure: quantile(eventRates, 0.5),
      better: 'higher',
      notes: `${target}; same run as the row above`,
      details: { ...spreadDetails, baselineWindows: eventRates.length },
    }),
    createRow({
      suite: SUITE,
      name: 'AuctionHouse in memory, one hot auction',
      figure: hotMedian,
      unit: 'bids/s',
      baseline: 'bare Map loop + JSON.stringify of an event per bid, one object',
      baselineFigure: quantile(hotEventRates, 0.5),
      better: 'higher',
      notes: `${target}; ${fmt(hot.accepted)}/${fmt(b.hotBids)} accepted; sequencer averageBatch ${hotBatch.toFixed(1)}; windows of ${fmt(b.window)} concurrent placeBid on one auction`,
      details: {
        bids: b.hotBids,
        accepted: hot.accepted,
        windows: hot.rates.length,
        p25: quantile(hot.rates, 0.25),
        p75: quantile(hot.rates, 0.75),
        averageBatch: hotBatch,
        baselineWindows: hotEventRates.length,
      },
    }),
    createRow({
      suite: SUITE,
      name: 'AuctionHouse placeBid latency p50',
      figure: quantile(latencies, 0.5),
      unit: 'ms',
      baseline: bareLatencyName,
      baselineFigure: quantile(bareLatencies, 0.5),
      better: 'lower',
      notes: latencyNotes,
      details: latencyDetails,
    }),
    createRow({
      suite: SUITE,
      name: 'AuctionHouse placeBid latency p99',
      figure: quantile(latencies, 0.99),
      unit: 'ms',
      baseline: bareLatencyName,
      baselineFigure: quantile(bareLatencies, 0.99),
      better: 'lower',
      notes: latencyNotes,
      details: latencyDetails,
    }),
  ];
}
