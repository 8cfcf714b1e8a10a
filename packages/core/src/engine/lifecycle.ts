import type { RejectionCode } from '../errors.js';
import { isReserveMet } from './reserve.js';
import type { AuctionResult, AuctionSpec, AuctionState, AuctionStatus } from './types.js';

/** A fresh auction: scheduled until `startsAt`, open from then on. */
export function createInitialState(spec: AuctionSpec, now: number): AuctionState {
  return {
    spec,
    status: now >= spec.startsAt ? 'open' : 'scheduled',
    seq: 1,
    price: spec.startingPrice,
    leaderId: null,
    leaderMax: 0,
    runnerUpMax: null,
    bidCount: 0,
    endsAt: spec.originalEndsAt,
    extensions: 0,
    result: null,
    updatedAt: now,
  };
}

/** The status an auction has at `now` by the clock alone, before any sweep has run. */
export function statusAt(state: AuctionState, now: number): AuctionStatus {
  if (state.status === 'scheduled' && now >= state.spec.startsAt) return 'open';
  return state.status;
}

/** Why a bid or buy-now received at `at` cannot be judged on its merits, or null when it can. */
export function checkBiddable(state: AuctionState, at: number): { code: RejectionCode; message: string } | null {
  switch (statusAt(state, at)) {
    case 'cancelled':
      return { code: 'AUCTION_CANCELLED', message: `Auction ${state.spec.id} was cancelled.` };
    case 'closed':
      return { code: 'AUCTION_ENDED', message: `Auction ${state.spec.id} has ended.` };
    case 'scheduled':
      return {
        code: 'AUCTION_NOT_OPEN',
        message: `Auction ${state.spec.id} opens at ${new Date(state.spec.startsAt).toISOString()}.`,
      };
    default:
      if (at >= state.endsAt) return { code: 'AUCTION_ENDED', message: `Auction ${state.spec.id} has ended.` };
      return null;
  }
}

/** The result of an auction that reached its end. */
export function computeResult(state: AuctionState): AuctionResult {
  if (state.leaderId === null) return { outcome: 'unsold', winnerId: null, price: null };
  if (!isReserveMet(state.spec, state.leaderMax, true)) {
    return { outcome: 'reserve-not-met', winnerId: null, price: state.price };
  }
  return { outcome: 'sold', winnerId: state.leaderId, price: state.price };
}
