import { incrementFor } from './increment.js';
import { applyReserve } from './reserve.js';
import type { AuctionState, Money } from './types.js';

/** Where proxy bidding leaves the price and the lead after an acceptable bid. */
export interface ProxyResult {
  readonly price: Money;
  readonly leaderId: string;
  readonly leaderMax: Money;
  /** The bidder who lost the lead, if the lead changed hands. */
  readonly outbidId: string | null;
}

/**
 * Proxy bidding: the engine bids for each bidder up to its maximum. The price is
 * min(leader's max, runner-up's max + increment(runner-up's max)); at equal maxima the
 * earlier bid keeps the lead at that maximum. The caller has already checked the minimum.
 */
export function resolveProxyBid(state: AuctionState, bidderId: string, amount: Money): ProxyResult {
  const { spec } = state;
  const leaderId = state.leaderId;
  if (leaderId === null) {
    return {
      price: applyReserve(spec, spec.startingPrice, amount),
      leaderId: bidderId,
      leaderMax: amount,
      outbidId: null,
    };
  }
  if (leaderId === bidderId) {
    // Raising one's own hidden maximum moves nothing public, except through the reserve.
    return { price: applyReserve(spec, state.price, amount), leaderId, leaderMax: amount, outbidId: null };
  }
  const leaderMax = state.leaderMax;
  if (amount > leaderMax) {
    const price = Math.min(amount, leaderMax + incrementFor(spec.increment, leaderMax));
    return { price: applyReserve(spec, price, amount), leaderId: bidderId, leaderMax: amount, outbidId: leaderId };
  }
  const price = Math.min(leaderMax, amount + incrementFor(spec.increment, amount));
  return { price: applyReserve(spec, price, leaderMax), leaderId, leaderMax, outbidId: null };
}
