import { computeResult, createInitialState } from './lifecycle.js';
import { buyNow, placeBid } from './place-bid.js';
import { toPublicAuction } from './public-view.js';
import type {
  AuctionCommand,
  AuctionEvent,
  AuctionSpec,
  AuctionState,
  CancelAuctionCommand,
  CloseAuctionCommand,
  CreateAuctionCommand,
  Decision,
  OpenAuctionCommand,
} from './types.js';

function notFound(command: Exclude<AuctionCommand, CreateAuctionCommand>): Decision {
  const message = `Auction ${command.auctionId} does not exist.`;
  if (command.type === 'bid' || command.type === 'buy-now') {
    return {
      state: null,
      outcome: {
        status: 'rejected',
        bidId: command.bidId,
        auctionId: command.auctionId,
        code: 'AUCTION_NOT_FOUND',
        message,
      },
      events: [],
      changed: false,
    };
  }
  return {
    state: null,
    outcome: { status: 'rejected', auctionId: command.auctionId, code: 'AUCTION_NOT_FOUND', message },
    events: [],
    changed: false,
  };
}

/** The same create delivered twice (a takeover redelivers unacknowledged commands) is one create. */
function isSameSpec(a: AuctionSpec, b: AuctionSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function create(state: AuctionState | null, command: CreateAuctionCommand): Decision {
  if (state !== null && isSameSpec(state.spec, command.spec)) {
    return { state, outcome: { status: 'accepted', auction: toPublicAuction(state) }, events: [], changed: false };
  }
  if (state !== null) {
    return {
      state,
      outcome: {
        status: 'rejected',
        auctionId: state.spec.id,
        code: 'AUCTION_EXISTS',
        message: `Auction ${state.spec.id} already exists.`,
      },
      events: [],
      changed: false,
    };
  }
  const next = createInitialState(command.spec, command.receivedAt);
  const auction = toPublicAuction(next);
  const event: AuctionEvent = {
    type: 'auction.created',
    auctionId: next.spec.id,
    seq: next.seq,
    at: command.receivedAt,
    auction,
  };
  return { state: next, outcome: { status: 'accepted', auction }, events: [event], changed: true };
}

function open(state: AuctionState, command: OpenAuctionCommand): Decision {
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

function close(state: AuctionState, command: CloseAuctionCommand): Decision {
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

function cancel(state: AuctionState, command: CancelAuctionCommand): Decision {
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

/**
 * The engine: `(state, command) -> { state, outcome, events }`, judged at the command's
 * `receivedAt`. Pure and deterministic: no I/O, no clock, no randomness. A rejected command
 * returns the same state object and `changed: false`.
 */
export function applyCommand(state: AuctionState | null, command: AuctionCommand): Decision {
  if (command.type === 'create') return create(state, command);
  if (state === null) return notFound(command);
  switch (command.type) {
    case 'bid':
      return placeBid(state, command);
    case 'buy-now':
      return buyNow(state, command);
    case 'open':
      return open(state, command);
    case 'close':
      return close(state, command);
    case 'cancel':
      return cancel(state, command);
  }
}
