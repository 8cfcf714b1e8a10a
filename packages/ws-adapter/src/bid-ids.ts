import type { BidOutcome } from '@outcry/core';

/**
 * A bidId a client sends is its own idempotency key: the house stores it as `<userId>:<bidId>`.
 * Another user's key then neither collides with it nor reveals its outcome. The example server
 * uses these functions over HTTP too, so a bid retried over HTTP or WebSocket is one bid.
 */
export function toStoredBidId(userId: string, bidId: string): string {
  return `${userId}:${bidId}`;
}

/** The id the client knows, from the stored one (unchanged when it lacks `userId`'s prefix). */
export function toClientBidId(userId: string, storedBidId: string): string {
  const prefix = `${userId}:`;
  return storedBidId.startsWith(prefix) ? storedBidId.slice(prefix.length) : storedBidId;
}

/** The outcome as its bidder sees it: the bidId it sent, without its user prefix. */
export function toClientOutcome(userId: string, outcome: BidOutcome): BidOutcome {
  return { ...outcome, bidId: toClientBidId(userId, outcome.bidId) };
}
