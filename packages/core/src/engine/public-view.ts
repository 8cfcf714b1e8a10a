import { isBuyNowAvailable } from './buy-now.js';
import { computeMinimumBid } from './minimum-bid.js';
import { isReserveMet } from './reserve.js';
import type { AuctionState, PublicAuction } from './types.js';

/** The public view of an auction: never the leader's maximum, never the reserve amount. */
export function toPublicAuction(state: AuctionState): PublicAuction {
  const { spec } = state;
  const live = state.status === 'open' || state.status === 'scheduled';
  return {
    id: spec.id,
    sellerId: spec.sellerId,
    title: spec.title,
    currency: spec.currency,
    status: state.status,
    startingPrice: spec.startingPrice,
    price: state.price,
    leaderId: state.leaderId,
    bidCount: state.bidCount,
    minimumBid: live ? computeMinimumBid(state) : null,
    reserveMet: isReserveMet(spec, state.leaderMax, state.leaderId !== null),
    hasReserve: spec.reservePrice !== null,
    buyNowPrice: spec.buyNowPrice,
    buyNowAvailable: isBuyNowAvailable(state),
    startsAt: spec.startsAt,
    endsAt: state.endsAt,
    originalEndsAt: spec.originalEndsAt,
    extensions: state.extensions,
    seq: state.seq,
    result: state.result,
    metadata: spec.metadata,
  };
}
