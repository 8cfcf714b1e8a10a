import { setTimeout as sleep } from 'node:timers/promises';
import type { AuctionHouse, BidOutcome, Money, PublicAuction } from '@outcry/core';

/** What a bot sees each time it looks at the auction. */
export interface BotGlance {
  readonly auction: PublicAuction;
  /** The minimum a new bidder may bid now. */
  readonly minimumBid: Money;
  readonly timeLeftMs: number;
  readonly leading: boolean;
}

/** A bot's decision: bid this maximum now (or pass), then look again after `waitMs`. */
export interface BotMove {
  readonly bid: Money | null;
  readonly waitMs: number;
}

/** A bidder with a personality: all it does is decide, given a glance at the auction. */
export interface BiddingBot {
  /** The bidder id it bids under. */
  readonly id: string;
  /** Shown next to its name, e.g. "sniper". */
  readonly personality: string;
  /** How long to wait before the first look. */
  readonly firstLookMs: number;
  decide(glance: BotGlance): BotMove;
}

/** What `runBiddingBot` needs besides the bot. */
export interface BotRunContext {
  readonly house: AuctionHouse;
  readonly auctionId: string;
  /** Aborted when the auction closed or the run was interrupted. */
  readonly signal: AbortSignal;
  /** Called with every outcome of the bot's bids. */
  readonly onOutcome: (bot: BiddingBot, amount: Money, outcome: BidOutcome) => void;
}

/** Waits, but wakes at once when the signal aborts; answers whether it slept the whole time. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(Math.max(0, ms), undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/**
 * Lets one bot bid until the auction stops being open or the signal aborts. It never throws:
 * a bot that cannot bid any more simply stops, and the run goes on with the others.
 */
export async function runBiddingBot(bot: BiddingBot, context: BotRunContext): Promise<void> {
  const { house, auctionId, signal } = context;
  let waitMs = bot.firstLookMs;
  while (await pause(waitMs, signal)) {
    const auction = await house.getAuction(auctionId);
    if (auction === null || auction.status !== 'open' || auction.minimumBid === null) return;
    const move = bot.decide({
      auction,
      minimumBid: auction.minimumBid,
      timeLeftMs: auction.endsAt - Date.now(),
      leading: auction.leaderId === bot.id,
    });
    waitMs = move.waitMs;
    if (move.bid === null || signal.aborted) continue;
    try {
      const outcome = await house.placeBid({ auctionId, bidderId: bot.id, amount: move.bid });
      context.onOutcome(bot, move.bid, outcome);
    } catch {
      // Only a stopping house throws here (SHUTTING_DOWN): the run is over for this bot.
      return;
    }
  }
}
