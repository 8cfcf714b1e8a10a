/**
 * Every code the gateway puts in an `error` frame, with what it means. The README's error table
 * is checked against this list by a test, so a new code cannot go undocumented.
 *
 * `BAD_FRAME` and `SUBSCRIPTION_LIMIT` belong to the protocol; the others are @outcry/core codes.
 */
export const GATEWAY_ERROR_CODES = {
  BAD_FRAME: 'The frame is not a JSON text frame holding an object with a known `type`.',
  INVALID_INPUT: 'The frame has a known `type` but a missing, extra or invalid field (the message says which).',
  UNAUTHORIZED: 'The token was refused, or a `bid` came from a connection that is not authenticated.',
  RATE_LIMITED:
    "The connection sent frames faster than its rate limit, or `admitBid` refused the user's bid; the frame was dropped. `retryAfterMs` says when to send again.",
  AUCTION_NOT_FOUND: 'A `subscribe` named an auction that does not exist; the subscription is dropped.',
  SUBSCRIPTION_LIMIT: 'A `subscribe` would take the connection over its number of subscriptions.',
  UNAVAILABLE: 'The auction house could not answer (store, queue or an unexpected failure); try again.',
  TIMEOUT: 'A bid got no outcome in time; it may still be judged (look it up by bidId).',
  SHUTTING_DOWN: 'The auction house or the gateway is stopping and takes no new commands.',
} as const;

/** A code of an `error` frame. */
export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_CODES;

/** Close codes the gateway uses, with their reasons. Also listed in the README. */
export const GATEWAY_CLOSE_CODES = {
  1001: 'The gateway is closing (server shutdown).',
  1009: 'A frame was larger than `maxPayload`.',
  1013: 'Slow consumer: the connection stayed behind (send buffer over `maxBufferedBytes`) longer than `maxBehindMs`.',
} as const;
