import type { BidOutcome } from '@outcry/core';

/**
 * A bidId a client sends is its own idempotency key: the house stores it as `<userId>:<bidId>`,
 * the scheme the example server uses over HTTP. Another user's key then neither collides with
 * it nor reveals its outcome, and a bid retried over HTTP or WebSocket is the same bid.
 */
export function toStoredBidId(userId: string, bidId: string): string {
  return `${userId}:${bidId}`;
}

/** The outcome as its bidder sees it: the bidId it sent, without its user prefix. */
export function toClientOutcome(userId: string, outcome: BidOutcome): BidOutcome {
  const prefix = `${userId}:`;
  return outcome.bidId.startsWith(prefix) ? { ...outcome, bidId: outcome.bidId.slice(prefix.length) } : outcome;
}
