import { type BidOutcome, codePointLength, MAX_ID_LENGTH, opaqueIdSchemaOf } from '@outcry/core';

/** The longest bidId a client may send, in characters (code points). */
export const MAX_CLIENT_BID_ID_LENGTH = 128;

/**
 * The longest user id whose stored bidIds always fit core's 256 characters, whatever bidId
 * (up to MAX_CLIENT_BID_ID_LENGTH) the client sends: `<len>:<userId>:<bidId>` adds 3 + 2.
 */
export const MAX_USER_ID_LENGTH_FOR_ANY_BID_ID = MAX_ID_LENGTH - MAX_CLIENT_BID_ID_LENGTH - 5;

/** A bidId as clients send it: an opaque id (any text without controls) of at most 128 characters. */
export const clientBidIdSchema = opaqueIdSchemaOf(MAX_CLIENT_BID_ID_LENGTH);

/** `<length of userId in characters>:<userId>:`, the start of every bidId the user sent. */
function prefixOf(userId: string): string {
  return `${codePointLength(userId)}:${userId}:`;
}

/**
 * A bidId a client sends is its own idempotency key: the house stores it as
 * `<len>:<userId>:<bidId>`, where `<len>` is the user id's length in characters. The length makes
 * the split unambiguous whatever the ids hold (`:` included), so another user's key neither
 * collides with it nor reveals its outcome. The example server uses these functions over HTTP
 * too, so a bid retried over HTTP or WebSocket is one bid.
 */
export function toStoredBidId(userId: string, bidId: string): string {
  return prefixOf(userId) + bidId;
}

/**
 * True when `toStoredBidId(userId, bidId)` is a valid bidId for the house (at most 256
 * characters); always so for user ids up to MAX_USER_ID_LENGTH_FOR_ANY_BID_ID characters.
 */
export function fitsStoredBidId(userId: string, bidId: string): boolean {
  return codePointLength(toStoredBidId(userId, bidId)) <= MAX_ID_LENGTH;
}

/** The id the client knows, from the stored one (unchanged when it lacks `userId`'s prefix). */
export function toClientBidId(userId: string, storedBidId: string): string {
  const prefix = prefixOf(userId);
  return storedBidId.startsWith(prefix) ? storedBidId.slice(prefix.length) : storedBidId;
}

/** The outcome as its bidder sees it: the bidId it sent, without its user prefix. */
export function toClientOutcome(userId: string, outcome: BidOutcome): BidOutcome {
  return { ...outcome, bidId: toClientBidId(userId, outcome.bidId) };
}
