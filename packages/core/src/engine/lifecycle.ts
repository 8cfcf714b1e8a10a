import type { RejectionCode } from '../errors.js';
import { toPublicAuction } from './public-view.js';
import { isReserveMet } from './reserve.js';
import type {
  AuctionEvent,
  AuctionResult,
  AuctionSpec,
  AuctionState,
  AuctionStatus,
  CancelAuctionCommand,
  CloseAuctionCommand,
  Decision,
  OpenAuctionCommand,
} from './types.js';

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

/** An auction still `scheduled` whose start has passed is judged as open, and opens with this change. */
export function openedEvents(state: AuctionState, at: number, seq: number): AuctionEvent[] {
  return state.status === 'scheduled'
    ? [{ type: 'auction.opened', auctionId: state.spec.id, seq, at, endsAt: state.endsAt }]
    : [];
}

/** Opens a scheduled auction once its start has come. */
export function openAuction(state: AuctionState, command: OpenAuctionCommand): Decision {
  const at = command.receivedAt;
  if (state.status !== 'scheduled') return unchanged(state);
  if (at < state.spec.startsAt) {
    return {
      state,
      outcome: { status: 'not-due', auctionId: state.spec.id, dueAt: state.spec.startsAt },
      events: [],
      changed: false,
    };
  }
  const next: AuctionState = { ...state, status: 'open', seq: state.seq + 1, updatedAt: at };
  const event: AuctionEvent = {
    type: 'auction.opened',
    auctionId: state.spec.id,
    seq: next.seq,
    at,
    endsAt: next.endsAt,
  };
  return {
    state: next,
    outcome: { status: 'accepted', auction: toPublicAuction(next) },
    events: [event],
    changed: true,
  };
}

/** Closes an auction once its end has come, with its result. */
export function closeAuction(state: AuctionState, command: CloseAuctionCommand): Decision {
  const at = command.receivedAt;
  if (state.status === 'closed' || state.status === 'cancelled') return unchanged(state);
  if (at < state.endsAt) {
    return {
      state,
      outcome: { status: 'not-due', auctionId: state.spec.id, dueAt: state.endsAt },
      events: [],
      changed: false,
    };
  }
  const result = computeResult(state);
  const next: AuctionState = { ...state, status: 'closed', seq: state.seq + 1, result, updatedAt: at };
  const event: AuctionEvent = { type: 'auction.closed', auctionId: state.spec.id, seq: next.seq, at, result };
  return {
    state: next,
    outcome: { status: 'accepted', auction: toPublicAuction(next) },
    events: [event],
    changed: true,
  };
}

/** Cancels an auction that has not ended. */
export function cancelAuction(state: AuctionState, command: CancelAuctionCommand): Decision {
  const at = command.receivedAt;
  const id = state.spec.id;
  if (state.status === 'cancelled') {
    const message = `Auction ${id} was already cancelled.`;
    return {
      state,
      outcome: { status: 'rejected', auctionId: id, code: 'AUCTION_CANCELLED', message },
      events: [],
      changed: false,
    };
  }
  if (state.status === 'closed' || at >= state.endsAt) {
    const message = `Auction ${id} has ended and can no longer be cancelled.`;
    return {
      state,
      outcome: { status: 'rejected', auctionId: id, code: 'AUCTION_ENDED', message },
      events: [],
      changed: false,
    };
  }
  const result = { outcome: 'cancelled', winnerId: null, price: null } as const;
  const next: AuctionState = { ...state, status: 'cancelled', seq: state.seq + 1, result, updatedAt: at };
  const event: AuctionEvent = {
    type: 'auction.cancelled',
    auctionId: id,
    seq: next.seq,
    at,
    by: command.by,
    reason: command.reason,
    result,
  };
  return {
    state: next,
    outcome: { status: 'accepted', auction: toPublicAuction(next) },
    events: [event],
    changed: true,
  };
}

/** A lifecycle command that finds the work already done: answered with the auction, nothing changes. */
function unchanged(state: AuctionState): Decision {
  return { state, outcome: { status: 'accepted', auction: toPublicAuction(state) }, events: [], changed: false };
}
