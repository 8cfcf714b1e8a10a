import type { Money } from '@outcry/core';
import type { BiddingBot, BotGlance, BotMove } from './bidding-bot.js';
import type { QuickstartTiming } from './quickstart-timing.js';
import { type RandomSource, randomBetween } from './random-source.js';

const DOLLAR = 100;

/** Bot waits are written for the normal speed and scaled for `--fast`. */
function scaled(timing: QuickstartTiming, ms: number): number {
  return Math.max(10, Math.round(ms * timing.botScale));
}

/** Whole dollars, so that bots bid the round numbers people bid. */
function dollars(random: RandomSource, min: number, max: number): Money {
  return randomBetween(random, min, max) * DOLLAR;
}

/**
 * The sniper waits in silence and bids in the last seconds, which is exactly what the soft
 * close is for: each snipe inside the window extends the auction. It snipes with most of its
 * budget first, and with all of it if someone answers.
 */
function createSniper(random: RandomSource, timing: QuickstartTiming): BiddingBot {
  const budget = dollars(random, 115, 250);
  let snipes = 0;
  return {
    id: 'sniper-sam',
    personality: 'sniper',
    firstLookMs: scaled(timing, 1_000),
    decide(glance: BotGlance): BotMove {
      const strikeAtMs = scaled(timing, randomBetween(random, 900, 2_400));
      if (glance.timeLeftMs > strikeAtMs) {
        return { bid: null, waitMs: Math.min(scaled(timing, 400), glance.timeLeftMs - strikeAtMs) };
      }
      const wait = scaled(timing, 250);
      if (glance.leading || snipes >= 2) return { bid: null, waitMs: wait };
      const amount = snipes === 0 ? Math.round((budget * 0.85) / DOLLAR) * DOLLAR : budget;
      if (amount < glance.minimumBid) return { bid: null, waitMs: wait };
      snipes++;
      return { bid: amount, waitMs: wait };
    },
  };
}

/** The incrementer bids exactly the minimum every few seconds whenever it is not leading. */
function createIncrementer(random: RandomSource, timing: QuickstartTiming): BiddingBot {
  const budget = dollars(random, 60, 140);
  return {
    id: 'steady-eddie',
    personality: 'incrementer',
    firstLookMs: scaled(timing, randomBetween(random, 500, 1_500)),
    decide(glance: BotGlance): BotMove {
      const waitMs = scaled(timing, randomBetween(random, 1_500, 3_500));
      if (glance.leading || glance.minimumBid > budget) return { bid: null, waitMs };
      return { bid: glance.minimumBid, waitMs };
    },
  };
}

/**
 * The proxy bidder places one high maximum early and lets the engine defend it; outbid, it
 * raises its maximum once by 15 %.
 */
function createProxyBidder(random: RandomSource, timing: QuickstartTiming): BiddingBot {
  let maximum = dollars(random, 95, 260);
  let bids = 0;
  return {
    id: 'whale-wanda',
    personality: 'big proxy',
    // It lets the small bidders warm the price up first.
    firstLookMs: scaled(timing, randomBetween(random, 12_000, 20_000)),
    decide(glance: BotGlance): BotMove {
      const waitMs = scaled(timing, randomBetween(random, 1_000, 2_500));
      if (glance.leading || bids >= 2) return { bid: null, waitMs };
      if (bids === 1) maximum = Math.round((maximum * 1.15) / DOLLAR) * DOLLAR;
      if (maximum < glance.minimumBid) return { bid: null, waitMs };
      bids++;
      return { bid: maximum, waitMs };
    },
  };
}

/** The cautious one bids the minimum now and then, while the price is low and the end is far. */
function createCautiousBidder(random: RandomSource, timing: QuickstartTiming): BiddingBot {
  const budget = dollars(random, 30, 60);
  return {
    id: 'cautious-carl',
    personality: 'cautious',
    firstLookMs: scaled(timing, randomBetween(random, 2_000, 4_000)),
    decide(glance: BotGlance): BotMove {
      const waitMs = scaled(timing, randomBetween(random, 2_500, 5_000));
      const calm = glance.timeLeftMs > scaled(timing, 10_000);
      if (glance.leading || !calm || glance.minimumBid > budget || random() < 0.4) return { bid: null, waitMs };
      return { bid: glance.minimumBid, waitMs };
    },
  };
}

/**
 * The eager newcomer jumps the price by a few dollars, and sometimes fat-fingers a bid at the
 * current price, which the engine rejects with BID_TOO_LOW.
 */
function createEagerBidder(random: RandomSource, timing: QuickstartTiming): BiddingBot {
  const budget = dollars(random, 50, 120);
  return {
    id: 'eager-nina',
    personality: 'eager',
    firstLookMs: scaled(timing, randomBetween(random, 800, 2_500)),
    decide(glance: BotGlance): BotMove {
      const waitMs = scaled(timing, randomBetween(random, 1_200, 3_000));
      if (glance.leading || glance.minimumBid > budget) return { bid: null, waitMs };
      if (random() < 0.25) return { bid: glance.auction.price, waitMs };
      const jump = Math.ceil(glance.minimumBid / DOLLAR) * DOLLAR + dollars(random, 0, 12);
      if (jump > budget) return { bid: null, waitMs };
      return { bid: jump, waitMs };
    },
  };
}

/** The five bidders of the quickstart, each with its own budget drawn from `random`. */
export function createBotPersonalities(random: RandomSource, timing: QuickstartTiming): BiddingBot[] {
  return [
    createSniper(random, timing),
    createIncrementer(random, timing),
    createProxyBidder(random, timing),
    createCautiousBidder(random, timing),
    createEagerBidder(random, timing),
  ];
}
