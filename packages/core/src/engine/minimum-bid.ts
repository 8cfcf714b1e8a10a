import { incrementFor } from './increment.js';
import type { AuctionState, Money } from './types.js';

/** The lowest amount a new bidder may bid: the starting price, or price plus the increment. */
export function computeMinimumBid(state: AuctionState): Money {
  if (state.leaderId === null) return state.spec.startingPrice;
  return state.price + incrementFor(state.spec.increment, state.price);
}

/**
 * Why `amount` is too low for this bidder, or null. A new bidder must reach the minimum bid; the
 * leader may only raise its own maximum, by any amount.
 */
export function checkBidAmount(
  state: AuctionState,
  bidderId: string,
  amount: Money,
): { readonly message: string; readonly minimumBid: Money } | null {
  if (bidderId === state.leaderId) {
    return amount <= state.leaderMax
      ? {
          message: `You already lead with a higher or equal maximum; raise it above ${state.leaderMax}.`,
          minimumBid: state.leaderMax + 1,
        }
      : null;
  }
  const minimumBid = computeMinimumBid(state);
  return amount < minimumBid ? { message: `The minimum bid is ${minimumBid}.`, minimumBid } : null;
}
