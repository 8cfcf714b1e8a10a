/**
 * Every stable code Outcry reports, with what it means: the one place a code's meaning is
 * written. Servers and gateways add their transport (an HTTP status) and their own codes only.
 */
export const ERROR_MEANINGS = {
  AUCTION_NOT_FOUND: 'No auction with that id.',
  AUCTION_NOT_OPEN: 'The auction has not started yet.',
  AUCTION_ENDED: 'The command came at or after the end, or the auction is closed.',
  AUCTION_CANCELLED: 'The auction was cancelled.',
  AUCTION_EXISTS: 'An auction with that id already exists.',
  BID_TOO_LOW: "Below the minimum bid (`minimumBid` says how much), or not above the leader's own maximum.",
  SELLER_CANNOT_BID: 'The seller cannot bid on or buy its own auction.',
  BUY_NOW_UNAVAILABLE: 'No buy-now price, or a bid (or the reserve) came first.',
  INVALID_BID: 'The bid is malformed: `details` lists each problem.',
  INVALID_INPUT: 'Input or an option is malformed or out of range: the message, and `details` when given, say what.',
  DUPLICATE_BID: 'That bidId was used before with a different amount or auction.',
  STORE_REJECTED: 'The store refused what the command holds; nothing of it was stored (sent again: the same answer).',
  RATE_LIMITED: 'Too many requests; the answer says when to try again.',
  UNAUTHORIZED: 'No credentials, or bad or expired ones.',
  FORBIDDEN: 'Authenticated, but not allowed.',
  STALE_OWNER: 'A partition changed owner during the write: the store refused the old owner; try again.',
  UNAVAILABLE:
    'A dependency (store, queue, lock) failed or the house is not running; resend with the same bidId to learn the outcome.',
  TIMEOUT: 'No outcome in time; the command may still be judged (look it up by its bidId).',
  SHUTTING_DOWN: 'The house is stopping and takes no new commands.',
} as const;

export type ErrorCode = keyof typeof ERROR_MEANINGS;

/** Every code, in the order of ERROR_MEANINGS. */
export const ERROR_CODES = Object.keys(ERROR_MEANINGS) as readonly ErrorCode[];

/** Codes a bid, buy-now, cancel or close can be rejected with by the rules. */
export type RejectionCode = Extract<
  ErrorCode,
  | 'AUCTION_NOT_FOUND'
  | 'AUCTION_NOT_OPEN'
  | 'AUCTION_ENDED'
  | 'AUCTION_CANCELLED'
  | 'AUCTION_EXISTS'
  | 'BID_TOO_LOW'
  | 'SELLER_CANNOT_BID'
  | 'BUY_NOW_UNAVAILABLE'
  | 'INVALID_BID'
  | 'INVALID_INPUT'
  | 'DUPLICATE_BID'
  | 'STORE_REJECTED'
>;

/** The one error class of Outcry: a stable `code`, a readable message, optional details. */
export class OutcryError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: { details?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OutcryError';
    this.code = code;
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** True when `value` is an OutcryError (also across package copies). */
export function isOutcryError(value: unknown): value is OutcryError {
  return value instanceof OutcryError || (value instanceof Error && value.name === 'OutcryError' && 'code' in value);
}
