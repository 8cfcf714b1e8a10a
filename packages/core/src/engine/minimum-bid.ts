import { incrementFor } from './increment.js';
import type { AuctionState, Money } from './types.js';

/** The lowest amount a new bidder may bid: the starting price, or price plus the increment. */
export function computeMinimumBid(state: AuctionState): Money {
  if (state.leaderId === null) return state.spec.startingPrice;
  return state.price + incrementFor(state.spec.increment, state.price);
}
