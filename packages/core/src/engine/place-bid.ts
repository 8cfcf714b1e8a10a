import type { RejectionCode } from '../errors.js';
import { isBuyNowAvailable } from './buy-now.js';
import { checkBiddable, statusAt } from './lifecycle.js';
import { computeMinimumBid } from './minimum-bid.js';
import { isMoney } from './money.js';
import { resolveProxyBid } from './proxy-bidding.js';
import { isReserveMet } from './reserve.js';
import { computeExtendedEnd } from './soft-close.js';
import type { AuctionEvent, AuctionState, BidRejected, BuyNowCommand, Decision, PlaceBidCommand } from './types.js';

function reject(
  state: AuctionState,
  command: PlaceBidCommand | BuyNowCommand,
  code: RejectionCode,
  message: string,
  minimumBid?: number,
): Decision {
  const outcome: BidRejected =
    minimumBid === undefined
      ? { status: 'rejected', bidId: command.bidId, auctionId: command.auctionId, code, message }
      : { status: 'rejected', bidId: command.bidId, auctionId: command.auctionId, code, message, minimumBid };
  const event: AuctionEvent = {
    type: 'bid.rejected',
    auctionId: command.auctionId,
    seq: state.seq,
    at: command.receivedAt,
    bidId: command.bidId,
    bidderId: command.bidderId,
    code,
  };
  return { state, outcome, events: [event], changed: false };
}

/** An auction still `scheduled` whose start has passed is judged as open, and opens with this change. */
function openedEvents(state: AuctionState, at: number, seq: number): AuctionEvent[] {
  return state.status === 'scheduled'
    ? [{ type: 'auction.opened', auctionId: state.spec.id, seq, at, endsAt: state.endsAt }]
    : [];
}

/** Judge a bid: the bidder's maximum, placed by proxy. */
export function placeBid(state: AuctionState, command: PlaceBidCommand): Decision {
  const at = command.receivedAt;
  const { amount, bidderId } = command;
  if (!isMoney(amount) || amount === 0) {
    return reject(state, command, 'INVALID_BID', 'A bid is a positive integer amount of minor units.');
  }
  const blocked = checkBiddable(state, at);
  if (blocked !== null) return reject(state, command, blocked.code, blocked.message);
  if (bidderId === state.spec.sellerId) {
    return reject(state, command, 'SELLER_CANNOT_BID', 'The seller cannot bid on its own auction.');
  }
  if (bidderId === state.leaderId) {
    if (amount <= state.leaderMax) {
      return reject(
        state,
        command,
        'BID_TOO_LOW',
        `You already lead with a higher or equal maximum; raise it above ${state.leaderMax}.`,
        state.leaderMax + 1,
      );
    }
  } else {
    const minimumBid = computeMinimumBid(state);
    if (amount < minimumBid) {
      return reject(state, command, 'BID_TOO_LOW', `The minimum bid is ${minimumBid}.`, minimumBid);
    }
  }

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

/** Buy now: closes the auction at the buy-now price, while buy-now is still available. */
export function buyNow(state: AuctionState, command: BuyNowCommand): Decision {
  const at = command.receivedAt;
  const blocked = checkBiddable(state, at);
  if (blocked !== null) return reject(state, command, blocked.code, blocked.message);
  if (command.bidderId === state.spec.sellerId) {
    return reject(state, command, 'SELLER_CANNOT_BID', 'The seller cannot buy its own auction.');
  }
  const buyNowPrice = state.spec.buyNowPrice;
  const asOpen: AuctionState = statusAt(state, at) === state.status ? state : { ...state, status: 'open' };
  if (buyNowPrice === null || !isBuyNowAvailable(asOpen)) {
    return reject(state, command, 'BUY_NOW_UNAVAILABLE', 'Buy-now is not available on this auction any more.');
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
