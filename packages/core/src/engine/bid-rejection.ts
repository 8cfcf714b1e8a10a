import type { RejectionCode } from '../errors.js';
import type { AuctionEvent, AuctionState, BidRejected, BuyNowCommand, Decision, PlaceBidCommand } from './types.js';

/** A bid or buy-now refused: the state is unchanged, and a `bid.rejected` event says why. */
export function rejectBid(
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
