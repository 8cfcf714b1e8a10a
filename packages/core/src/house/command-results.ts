import type { BidRejected, CommandOutcome, PublicAuction } from '../engine/types.js';
import { OutcryError } from '../errors.js';

/** The auction a create or a cancel made, or the rejection thrown as an OutcryError. */
export function lifecycleResult(outcome: CommandOutcome): PublicAuction {
  if (outcome.status === 'accepted' && 'auction' in outcome) return outcome.auction;
  if (outcome.status === 'rejected') throw new OutcryError(outcome.code, outcome.message);
  throw new OutcryError('UNAVAILABLE', 'Unexpected outcome.');
}

/** A bid whose input is invalid, answered (never thrown) as rejected INVALID_BID. */
export function invalidBid(input: unknown, details: unknown): BidRejected {
  const record = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const first = (details as Array<{ path: string; message: string }>)[0];
  return {
    status: 'rejected',
    bidId: typeof record.bidId === 'string' ? record.bidId : '',
    auctionId: typeof record.auctionId === 'string' ? record.auctionId : '',
    code: 'INVALID_BID',
    message: first === undefined ? 'Invalid bid.' : `Invalid bid: ${first.path || 'input'} ${first.message}`,
    details,
  };
}
