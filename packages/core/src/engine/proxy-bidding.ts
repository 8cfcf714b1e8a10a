import { incrementFor } from './increment.js';
import { applyReserve } from './reserve.js';
import type { AuctionSpec, AuctionState, Money } from './types.js';

/** Where proxy bidding leaves the maxima, the price and the lead after an acceptable bid. */
export interface ProxyResult {
  readonly price: Money;
  readonly leaderId: string;
  readonly leaderMax: Money;
  readonly runnerUpMax: Money | null;
  /** The bidder who lost the lead, if the lead changed hands. */
  readonly outbidId: string | null;
}

/**
 * The price as a function of the current maxima alone: the starting price with one bidder, else
 * min(leader's max, runner-up's max + increment(runner-up's max)); then the reserve rule. Every
 * bid, a leader's raise included, reprices through this, so a raise lifts a price its old max
 * capped (a tie or near tie) and leaves any other price alone.
 */
function proxyPrice(spec: AuctionSpec, leaderMax: Money, runnerUpMax: Money | null): Money {
  const contested =
    runnerUpMax === null
      ? spec.startingPrice
      : Math.min(leaderMax, runnerUpMax + incrementFor(spec.increment, runnerUpMax));
  return applyReserve(spec, contested, leaderMax);
}

/**
 * Proxy bidding: the engine bids for each bidder up to its maximum. At equal maxima the earlier
 * bid keeps the lead. The caller has already checked the minimum.
 */
export function resolveProxyBid(state: AuctionState, bidderId: string, amount: Money): ProxyResult {
  const { spec, leaderId } = state;
  if (leaderId === null) {
    return {
      price: proxyPrice(spec, amount, null),
      leaderId: bidderId,
      leaderMax: amount,
      runnerUpMax: null,
      outbidId: null,
    };
  }
  if (leaderId === bidderId) {
    const runnerUpMax = state.runnerUpMax;
    return { price: proxyPrice(spec, amount, runnerUpMax), leaderId, leaderMax: amount, runnerUpMax, outbidId: null };
  }
  const leaderMax = state.leaderMax;
  if (amount > leaderMax) {
    return {
      price: proxyPrice(spec, amount, leaderMax),
      leaderId: bidderId,
      leaderMax: amount,
      runnerUpMax: leaderMax,
      outbidId: leaderId,
    };
  }
  const runnerUpMax = Math.max(amount, state.runnerUpMax ?? 0);
  return { price: proxyPrice(spec, leaderMax, runnerUpMax), leaderId, leaderMax, runnerUpMax, outbidId: null };
}
