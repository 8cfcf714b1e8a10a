import { ERROR_CODES, type ErrorCode, isOutcryError } from '@outcry/core';

/** Codes only the HTTP server reports, on top of @outcry/core's ERROR_CODES. */
export const SERVER_ERROR_CODES = [
  'NOT_FOUND',
  'BID_NOT_FOUND',
  'MALFORMED_JSON',
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL_ERROR',
] as const;

export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

/** Every code an HTTP error body can carry. */
export type ApiErrorCode = ErrorCode | ServerErrorCode;

/**
 * THE table: every code, its HTTP status and what it means. The README's error table is checked
 * against it by test/http-errors.test.ts, and the type makes a code without a row a compile error.
 */
export const HTTP_ERRORS: { readonly [C in ApiErrorCode]: { readonly status: number; readonly meaning: string } } = {
  AUCTION_NOT_FOUND: { status: 404, meaning: 'No auction with that id.' },
  AUCTION_NOT_OPEN: { status: 409, meaning: 'The auction has not started yet.' },
  AUCTION_ENDED: { status: 409, meaning: 'The bid came at or after the end, or the auction is closed.' },
  AUCTION_CANCELLED: { status: 409, meaning: 'The auction was cancelled.' },
  AUCTION_EXISTS: { status: 409, meaning: 'An auction with that id already exists.' },
  BID_TOO_LOW: { status: 409, meaning: 'Below the minimum bid (`details.minimumBid`), or not above your own maximum.' },
  SELLER_CANNOT_BID: { status: 409, meaning: 'Sellers cannot bid on or buy their own auction.' },
  BUY_NOW_UNAVAILABLE: { status: 409, meaning: 'No buy-now price, or a bid (or the reserve) came first.' },
  INVALID_BID: { status: 422, meaning: 'The bid is malformed: `details` lists each problem.' },
  INVALID_INPUT: { status: 422, meaning: 'The body or query is malformed: `details` lists each problem.' },
  DUPLICATE_BID: { status: 409, meaning: 'That bidId was used before with a different amount or auction.' },
  STORE_REJECTED: {
    status: 422,
    meaning:
      'The store refused to write what the command holds; it was not applied (sending it again gets the same answer).',
  },
  RATE_LIMITED: { status: 429, meaning: 'Too many requests; `Retry-After` says when to try again.' },
  UNAUTHORIZED: { status: 401, meaning: 'No token, or a bad or expired one.' },
  FORBIDDEN: { status: 403, meaning: 'Authenticated, but not allowed (not the seller, not an admin, dev login off).' },
  STALE_OWNER: { status: 503, meaning: 'A partition changed owner during the write; try again.' },
  UNAVAILABLE: {
    status: 503,
    meaning:
      'A dependency (store, queue, lock) is failing or the house is not running; `Retry-After` says when to try again. A command waited on may still be judged: send it again with the same bidId to learn its outcome.',
  },
  TIMEOUT: { status: 504, meaning: 'No outcome in time; the bid may still be judged (look it up by bidId).' },
  SHUTTING_DOWN: { status: 503, meaning: 'The server is stopping and takes no new commands.' },
  NOT_FOUND: { status: 404, meaning: 'No such route.' },
  BID_NOT_FOUND: {
    status: 404,
    meaning: 'No bid of yours with that id (or it was placed by another process and is not judged yet).',
  },
  MALFORMED_JSON: { status: 400, meaning: 'The body is not valid JSON (or is empty with a JSON content type).' },
  BAD_REQUEST: { status: 400, meaning: 'The request itself is malformed (bad URL, bad Content-Length).' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The body is over the limit (64 KiB by default).' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'Bodies must be application/json.' },
  INTERNAL_ERROR: { status: 500, meaning: 'A bug: the server failed unexpectedly (logged with the request id).' },
};

/** What a 503 asks for in `Retry-After`: a dependency that fails is retried by the house meanwhile. */
export const RETRY_AFTER_SECONDS = 1;

/** Every code of the table, core's first. */
export const ALL_ERROR_CODES: readonly ApiErrorCode[] = [...ERROR_CODES, ...SERVER_ERROR_CODES];

/** An error the routes throw; the error handler turns it into `{ error: { code, message, details? } }`. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly details: unknown;
  /** Extra headers of the answer (Retry-After, WWW-Authenticate). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ApiErrorCode,
    message: string,
    options: { details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

/** The body of every error answer. */
export interface ErrorBody {
  readonly error: { readonly code: ApiErrorCode; readonly message: string; readonly details?: unknown };
}

/** The HTTP status of a code. */
export function statusOf(code: ApiErrorCode): number {
  return HTTP_ERRORS[code].status;
}

/** Fastify's own error codes, for the errors it raises before a handler runs. */
const FASTIFY_CODES: Readonly<Record<string, ServerErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
  FST_ERR_MAX_PARAM_LENGTH: 'BAD_REQUEST',
  FST_ERR_ASYNC_CONSTRAINT: 'BAD_REQUEST',
  FST_ERR_NOT_FOUND: 'NOT_FOUND',
};

/** The router's own messages quote the whole path (long, and the client's anyway): ours instead. */
const ROUTER_MESSAGES: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: 'The URL is not valid (a malformed percent-encoding?).',
  FST_ERR_MAX_PARAM_LENGTH: 'A part of the URL path is too long: ids have at most 128 characters.',
};

/**
 * Any thrown value as `{ status, body, headers }`: our ApiErrors, core's OutcryErrors, fastify's
 * own errors (body parsing), and anything else as a 500 INTERNAL_ERROR (its message hidden).
 */
export function describeError(error: unknown): {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  internal: boolean;
} {
  if (error instanceof ApiError) {
    return {
      status: statusOf(error.code),
      body: bodyOf(error.code, error.message, error.details),
      headers: { ...error.headers },
      internal: false,
    };
  }
  if (isOutcryError(error)) {
    const code = error.code in HTTP_ERRORS ? error.code : 'INTERNAL_ERROR';
    const status = statusOf(code);
    return {
      status,
      body: bodyOf(code, error.message, error.details),
      headers: status === 503 ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {},
      internal: code === 'INTERNAL_ERROR',
    };
  }
  const record = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  const mapped = typeof record.code === 'string' ? FASTIFY_CODES[record.code] : undefined;
  if (mapped !== undefined)
    return {
      status: statusOf(mapped),
      body: bodyOf(mapped, ROUTER_MESSAGES[record.code as string] ?? messageOf(mapped, record.message)),
      headers: {},
      internal: false,
    };
  // A JSON syntax error from the body parser carries statusCode 400 but no fastify code.
  if (error instanceof SyntaxError && record.statusCode === 400) {
    return {
      status: 400,
      body: bodyOf('MALFORMED_JSON', `The body is not valid JSON: ${error.message}`),
      headers: {},
      internal: false,
    };
  }
  if (typeof record.statusCode === 'number' && record.statusCode >= 400 && record.statusCode < 500) {
    return {
      status: 400,
      body: bodyOf('BAD_REQUEST', typeof record.message === 'string' ? record.message : 'Bad request.'),
      headers: {},
      internal: false,
    };
  }
  return { status: 500, body: bodyOf('INTERNAL_ERROR', 'Internal error.'), headers: {}, internal: true };
}

function messageOf(code: ServerErrorCode, message: unknown): string {
  if (code === 'PAYLOAD_TOO_LARGE') return 'The body is over the size limit.';
  if (code === 'UNSUPPORTED_MEDIA_TYPE') return 'Send bodies as application/json.';
  return typeof message === 'string' && message !== '' ? message : HTTP_ERRORS[code].meaning;
}

function bodyOf(code: ApiErrorCode, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}
