import type { BidOutcome, BuyNowCommand, PlaceBidCommand } from './types.js';

/**
 * What the auction and bidder of a bid leave open about its body: the amount, or `buy-now`.
 * Kept short on purpose: one is stored per bid, and a short string is one small flat object.
 */
export function fingerprintBid(command: PlaceBidCommand | BuyNowCommand): string {
  return command.type === 'bid' ? String(command.amount) : 'buy-now';
}

/** A bid seen before, as the sequencer remembers it. */
export interface RecordedBid {
  readonly bidderId: string;
  readonly fingerprint: string;
  /** Its auctionId is the first bid's auction. */
  readonly outcome: BidOutcome;
}

/** True when `command` has the same body (auction, bidder, amount or buy-now) as `previous`. */
export function isSameBid(previous: RecordedBid, command: PlaceBidCommand | BuyNowCommand): boolean {
  return (
    previous.outcome.auctionId === command.auctionId &&
    previous.bidderId === command.bidderId &&
    previous.fingerprint === fingerprintBid(command)
  );
}

/** A repeated bidId is not a new bid: it gets the first outcome, or DUPLICATE_BID with another body. */
export function judgeRepeatedBid(previous: RecordedBid, command: PlaceBidCommand | BuyNowCommand): BidOutcome {
  if (isSameBid(previous, command)) return previous.outcome;
  return {
    status: 'rejected',
    bidId: command.bidId,
    auctionId: command.auctionId,
    code: 'DUPLICATE_BID',
    message: `Bid id ${command.bidId} was already used for a different bid.`,
  };
}
