import type { AuctionState } from './types.js';

/** Why this bidder may not bid on or buy the auction, or null: only its seller may not. */
export function checkBidder(state: AuctionState, bidderId: string, action: 'bid on' | 'buy'): string | null {
  return bidderId === state.spec.sellerId ? `The seller cannot ${action} its own auction.` : null;
}
