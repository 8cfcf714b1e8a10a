import { rejectBid } from './bid-rejection.js';
import { checkBiddable, openedEvents } from './lifecycle.js';
import { checkBidAmount, computeMinimumBid } from './minimum-bid.js';
import { isMoney } from './money.js';
import { resolveProxyBid } from './proxy-bidding.js';
import { isReserveMet } from './reserve.js';
import { computeExtendedEnd } from './soft-close.js';
import type { AuctionState, Decision, PlaceBidCommand } from './types.js';
import { checkBidder } from './who-may-bid.js';

/** Judge a bid: the bidder's maximum, placed by proxy. */
export function placeBid(state: AuctionState, command: PlaceBidCommand): Decision {
  const at = command.receivedAt;
  const { amount, bidderId } = command;
  if (!isMoney(amount) || amount === 0) {
    return rejectBid(state, command, 'INVALID_BID', 'A bid is a positive integer amount of minor units.');
  }
  const blocked = checkBiddable(state, at);
  if (blocked !== null) return rejectBid(state, command, blocked.code, blocked.message);
  const refused = checkBidder(state, bidderId, 'bid on');
  if (refused !== null) return rejectBid(state, command, 'SELLER_CANNOT_BID', refused);
  const tooLow = checkBidAmount(state, bidderId, amount);
  if (tooLow !== null) return rejectBid(state, command, 'BID_TOO_LOW', tooLow.message, tooLow.minimumBid);

  const proxy = resolveProxyBid(state, bidderId, amount);
  const seq = state.seq + 1;
  const changedPublicly = proxy.price !== state.price || proxy.leaderId !== state.leaderId;
  const extendedTo = computeExtendedEnd(state, at, changedPublicly);
  const endsAt = extendedTo ?? state.endsAt;
  const next: AuctionState = {
    spec: state.spec,
    status: 'open',
    seq,
    price: proxy.price,
    leaderId: proxy.leaderId,
    leaderMax: proxy.leaderMax,
    runnerUpMax: proxy.runnerUpMax,
    bidCount: state.bidCount + 1,
    endsAt,
    extensions: extendedTo === null ? state.extensions : state.extensions + 1,
    result: null,
    updatedAt: at,
  };
  const minimumBid = computeMinimumBid(next);
  const auctionId = state.spec.id;
  const events = openedEvents(state, at, seq);
  events.push({
    type: 'bid.accepted',
    auctionId,
    seq,
    at,
    bidId: command.bidId,
    bidderId,
    price: next.price,
    leaderId: next.leaderId,
    bidCount: next.bidCount,
    minimumBid,
    reserveMet: isReserveMet(next.spec, next.leaderMax, true),
    endsAt,
    buyNow: false,
  });
  if (proxy.outbidId !== null) {
    events.push({
      type: 'bidder.outbid',
      auctionId,
      seq,
      at,
      bidderId: proxy.outbidId,
      price: next.price,
      leaderId: bidderId,
    });
  }
  if (extendedTo !== null) {
    events.push({
      type: 'auction.extended',
      auctionId,
      seq,
      at,
      endsAt,
      previousEndsAt: state.endsAt,
      extensions: next.extensions,
    });
  }
  return {
    state: next,
    outcome: {
      status: 'accepted',
      bidId: command.bidId,
      auctionId,
      seq,
      price: next.price,
      leaderId: next.leaderId,
      leading: next.leaderId === bidderId,
      endsAt,
      minimumBid,
    },
    events,
    changed: true,
  };
}
