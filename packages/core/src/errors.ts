/** Stable codes of every rejection and error Outcry reports. */
export const ERROR_CODES = [
  'AUCTION_NOT_FOUND',
  'AUCTION_NOT_OPEN',
  'AUCTION_ENDED',
  'AUCTION_CANCELLED',
  'AUCTION_EXISTS',
  'BID_TOO_LOW',
  'SELLER_CANNOT_BID',
  'BUY_NOW_UNAVAILABLE',
  'INVALID_BID',
  'INVALID_INPUT',
  'DUPLICATE_BID',
  'STORE_REJECTED',
  'RATE_LIMITED',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'STALE_OWNER',
  'UNAVAILABLE',
  'TIMEOUT',
  'SHUTTING_DOWN',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

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
