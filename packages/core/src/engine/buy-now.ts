import { isReserveMet } from './reserve.js';
import type { AuctionState } from './types.js';

/** Buy-now stays available until the first bid or, with a reserve, until the reserve is met. */
export function isBuyNowAvailable(state: AuctionState): boolean {
  if (state.spec.buyNowPrice === null || state.status !== 'open') return false;
  if (state.leaderId === null) return true;
  return state.spec.reservePrice !== null && !isReserveMet(state.spec, state.leaderMax, true);
}
