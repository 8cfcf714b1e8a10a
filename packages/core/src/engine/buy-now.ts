import { rejectBid } from './bid-rejection.js';
import { checkBiddable, openedEvents, statusAt } from './lifecycle.js';
import { isReserveMet } from './reserve.js';
import type { AuctionState, BuyNowCommand, Decision } from './types.js';
import { checkBidder } from './who-may-bid.js';

/** Buy-now stays available until the first bid or, with a reserve, until the reserve is met. */
export function isBuyNowAvailable(state: AuctionState): boolean {
  if (state.spec.buyNowPrice === null || state.status !== 'open') return false;
  if (state.leaderId === null) return true;
  return state.spec.reservePrice !== null && !isReserveMet(state.spec, state.leaderMax, true);
}

/** Buy now: closes the auction at the buy-now price, while buy-now is still available. */
export function buyNow(state: AuctionState, command: BuyNowCommand): Decision {
  const at = command.receivedAt;
  const blocked = checkBiddable(state, at);
  if (blocked !== null) return rejectBid(state, command, blocked.code, blocked.message);
  const refused = checkBidder(state, command.bidderId, 'buy');
  if (refused !== null) return rejectBid(state, command, 'SELLER_CANNOT_BID', refused);
  const buyNowPrice = state.spec.buyNowPrice;
  const asOpen: AuctionState = statusAt(state, at) === state.status ? state : { ...state, status: 'open' };
  if (buyNowPrice === null || !isBuyNowAvailable(asOpen)) {
    return rejectBid(state, command, 'BUY_NOW_UNAVAILABLE', 'Buy-now is not available on this auction any more.');
  }
  const seq = state.seq + 1;
  const result = { outcome: 'bought-now', winnerId: command.bidderId, price: buyNowPrice } as const;
  const next: AuctionState = {
    spec: state.spec,
    status: 'closed',
    seq,
    price: buyNowPrice,
    leaderId: command.bidderId,
    leaderMax: Math.max(buyNowPrice, state.leaderMax),
    runnerUpMax: state.runnerUpMax,
    bidCount: state.bidCount + 1,
    endsAt: state.endsAt,
    extensions: state.extensions,
    result,
    updatedAt: at,
  };
  const auctionId = state.spec.id;
  const events = openedEvents(state, at, seq);
  events.push({
    type: 'bid.accepted',
    auctionId,
    seq,
    at,
    bidId: command.bidId,
    bidderId: command.bidderId,
    price: buyNowPrice,
    leaderId: command.bidderId,
    bidCount: next.bidCount,
    minimumBid: null,
    reserveMet: true,
    endsAt: state.endsAt,
    buyNow: true,
  });
  if (state.leaderId !== null && state.leaderId !== command.bidderId) {
    events.push({
      type: 'bidder.outbid',
      auctionId,
      seq,
      at,
      bidderId: state.leaderId,
      price: buyNowPrice,
      leaderId: command.bidderId,
    });
  }
  events.push({ type: 'auction.closed', auctionId, seq, at, result });
  return {
    state: next,
    outcome: {
      status: 'accepted',
      bidId: command.bidId,
      auctionId,
      seq,
      price: buyNowPrice,
      leaderId: command.bidderId,
      leading: true,
      endsAt: state.endsAt,
      minimumBid: null,
    },
    events,
    changed: true,
  };
}
