import { type AuctionEvent, type AuctionStats, createAuctionHouse, type PublicAuction } from '@outcry/core';
import { createAnsiStyle } from './ansi-style.js';
import type { AuctionFrame, AuctionView } from './auction-view.js';
import { type BiddingBot, runBiddingBot } from './bidding-bot.js';
import { createBotPersonalities } from './bot-personalities.js';
import { formatMoney } from './format-money.js';
import { happeningFromEvent, happeningFromRejection } from './happening.js';
import { PlainLogView } from './plain-log-view.js';
import { FAST_TIMING, NORMAL_TIMING, type QuickstartTiming } from './quickstart-timing.js';
import { createRandomSource } from './random-source.js';
import { describeResult, describeStats } from './result-summary.js';
import { TerminalView } from './terminal-view.js';

/** Options of `runQuickstart`. */
export interface QuickstartOptions {
  /** Run the whole auction in about 5 seconds instead of about 40. */
  readonly fast?: boolean;
  /** Where to draw (process.stdout by default). */
  readonly output?: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Redraw in place with ANSI escapes; by default only when the output is a terminal. */
  readonly live?: boolean;
  /** Colour the live view (on unless NO_COLOR is set). */
  readonly color?: boolean;
  /** Seed of the bots' budgets and moves; random by default. */
  readonly seed?: number;
  /** Abort to stop early (Ctrl-C): the bots stop, then the house stops cleanly. */
  readonly signal?: AbortSignal;
}

/** What a run ends with: the auction as the house has it, and its figures. */
export interface QuickstartResult {
  readonly auction: PublicAuction;
  readonly stats: AuctionStats;
  /** The `RESULT:` line that was printed. */
  readonly resultLine: string;
  readonly bidsAccepted: number;
  readonly bidsRejected: number;
  /** True when the signal stopped the run before the auction closed. */
  readonly interrupted: boolean;
  readonly seed: number;
}

const RESERVE_PRICE = 12_000;

/** Resolves when the signal aborts; never rejects. */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise<void>(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * One live auction in memory: creates a house and a guitar auction, lets five bots bid on it,
 * shows it until it closes (or the signal aborts), prints the result and stops the house.
 */
export async function runQuickstart(options: QuickstartOptions = {}): Promise<QuickstartResult> {
  const output = options.output ?? process.stdout;
  const timing: QuickstartTiming = options.fast === true ? FAST_TIMING : NORMAL_TIMING;
  const live = options.live ?? output.isTTY === true;
  const seed = options.seed ?? Math.floor(Math.random() * 1_000_000);
  const random = createRandomSource(seed);
  const bots: BiddingBot[] = createBotPersonalities(random, timing);
  const view: AuctionView = live
    ? new TerminalView({
        output,
        style: createAnsiStyle(options.color ?? process.env.NO_COLOR === undefined),
        seed,
        botCount: bots.length,
        bannerMs: Math.max(600, timing.softCloseExtendMs / 4),
      })
    : new PlainLogView(output);

  const house = createAuctionHouse();
  await house.start();
  try {
    const openedAt = Date.now();
    const endsAt = openedAt + timing.durationMs;
    const created = await house.createAuction({
      sellerId: 'guitar-shop',
      title: 'Vintage 1962 sunburst electric guitar',
      currency: 'USD',
      startingPrice: 1_000,
      reservePrice: RESERVE_PRICE,
      startsAt: openedAt,
      endsAt,
      softClose: {
        windowMs: timing.softCloseWindowMs,
        extendMs: timing.softCloseExtendMs,
        mode: 'reset',
        maxExtensions: timing.maxExtensions,
        // A second cap, in time: whatever the bots do, the run ends.
        maxEndsAt: endsAt + timing.maxExtensions * timing.softCloseExtendMs,
      },
    });
    const auctionId = created.id;
    const currency = created.currency;

    let bidsAccepted = 0;
    let bidsRejected = 0;
    let closedResolve: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => {
      closedResolve = resolve;
    });
    const unsubscribe = house.subscribe(auctionId, (event: AuctionEvent) => {
      const happening = happeningFromEvent(event, currency, openedAt);
      if (happening !== null) view.happen(happening);
      if (event.type === 'auction.closed' || event.type === 'auction.cancelled') closedResolve();
    });
    view.happen({
      atMs: 0,
      kind: 'opened',
      text: `Auction opened at ${formatMoney(created.startingPrice, currency)}, reserve hidden`,
    });

    const botsStop = new AbortController();
    const botRuns = bots.map((bot) =>
      runBiddingBot(bot, {
        house,
        auctionId,
        signal: botsStop.signal,
        onOutcome: (who, amount, outcome) => {
          if (outcome.status === 'accepted') {
            bidsAccepted++;
            return;
          }
          bidsRejected++;
          view.happen(happeningFromRejection(who.id, amount, outcome, currency, Date.now() - openedAt));
        },
      }),
    );

    const frameOf = (auction: PublicAuction): AuctionFrame => ({
      auction,
      now: Date.now(),
      timing,
      rejections: bidsRejected,
    });
    let drawing = true;
    const drawLoop = (async () => {
      while (drawing) {
        const auction = await house.getAuction(auctionId);
        if (auction !== null && drawing) view.render(frameOf(auction));
        await new Promise((resolve) => setTimeout(resolve, timing.frameMs));
      }
    })();

    const interrupted = await Promise.race([closed.then(() => false), aborted(options.signal).then(() => true)]);
    botsStop.abort();
    await Promise.all(botRuns);
    drawing = false;
    await drawLoop;
    unsubscribe();

    const auction = await house.getAuction(auctionId);
    const stats = await house.getStats(auctionId);
    if (auction === null || stats === null) throw new Error(`Auction ${auctionId} vanished from the house.`);
    const resultLine = describeResult(auction);
    const summary = [resultLine, ...describeStats(stats, currency, bidsRejected)];
    if (interrupted) summary.push('Interrupted: the bots stopped and the house was stopped cleanly.');
    view.finish(frameOf(auction), summary);
    return { auction, stats, resultLine, bidsAccepted, bidsRejected, interrupted, seed };
  } finally {
    await house.stop();
  }
}
