import type { BidOutcome, BuyNowCommand, PlaceBidCommand } from './types.js';

/** What identifies the body of a bid: the same bidId with another fingerprint is DUPLICATE_BID. */
export function fingerprintBid(command: PlaceBidCommand | BuyNowCommand): string {
  return command.type === 'bid'
    ? `bid|${command.auctionId}|${command.bidderId}|${command.amount}`
    : `buy-now|${command.auctionId}|${command.bidderId}`;
}

/** A bid seen before, as the sequencer remembers it. */
export interface RecordedBid {
  readonly fingerprint: string;
  readonly outcome: BidOutcome;
}

/** A repeated bidId is not a new bid: it gets the first outcome, or DUPLICATE_BID with another body. */
export function judgeRepeatedBid(previous: RecordedBid, command: PlaceBidCommand | BuyNowCommand): BidOutcome {
  if (previous.fingerprint === fingerprintBid(command)) return previous.outcome;
  return {
    status: 'rejected',
    bidId: command.bidId,
    auctionId: command.auctionId,
    code: 'DUPLICATE_BID',
    message: `Bid id ${command.bidId} was already used for a different bid.`,
  };
}
