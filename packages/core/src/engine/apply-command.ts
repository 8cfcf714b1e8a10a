import { buyNow } from './buy-now.js';
import { cancelAuction, closeAuction, createInitialState, openAuction } from './lifecycle.js';
import { placeBid } from './place-bid.js';
import { toPublicAuction } from './public-view.js';
import type {
  AuctionCommand,
  AuctionEvent,
  AuctionSpec,
  AuctionState,
  CreateAuctionCommand,
  Decision,
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
      return openAuction(state, command);
    case 'close':
      return closeAuction(state, command);
    case 'cancel':
      return cancelAuction(state, command);
  }
}
