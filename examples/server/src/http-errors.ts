import { ERROR_CODES, ERROR_MEANINGS, type ErrorCode, isOutcryError } from '@outcry/core';

/** Codes only the HTTP server reports, on top of @outcry/core's, with what they mean. */
export const SERVER_ERROR_MEANINGS = {
  NOT_FOUND: 'No such route.',
  BID_NOT_FOUND: 'No bid of yours with that id (or it was placed by another process and is not judged yet).',
  MALFORMED_JSON: 'The body is not valid JSON (or is empty with a JSON content type).',
  BAD_REQUEST: 'The request itself is malformed (bad URL, bad Content-Length).',
  PAYLOAD_TOO_LARGE: 'The body is over the limit (64 KiB by default).',
  UNSUPPORTED_MEDIA_TYPE: 'Bodies must be application/json.',
  INTERNAL_ERROR: 'A bug: the server failed unexpectedly (logged with the request id).',
} as const;

type ServerErrorCode = keyof typeof SERVER_ERROR_MEANINGS;

/** Every code an HTTP error body can carry. */
export type ApiErrorCode = ErrorCode | ServerErrorCode;

/**
 * The HTTP status of every code. A code's meaning is @outcry/core's (ERROR_MEANINGS) or the
 * server's own (SERVER_ERROR_MEANINGS); the README's error table is checked against both.
 */
export const HTTP_STATUSES: { readonly [C in ApiErrorCode]: number } = {
  AUCTION_NOT_FOUND: 404,
  AUCTION_NOT_OPEN: 409,
  AUCTION_ENDED: 409,
  AUCTION_CANCELLED: 409,
  AUCTION_EXISTS: 409,
  BID_TOO_LOW: 409,
  SELLER_CANNOT_BID: 409,
  BUY_NOW_UNAVAILABLE: 409,
  INVALID_BID: 422,
  INVALID_INPUT: 422,
  DUPLICATE_BID: 409,
  STORE_REJECTED: 422,
  RATE_LIMITED: 429,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  STALE_OWNER: 503,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
  SHUTTING_DOWN: 503,
  NOT_FOUND: 404,
  BID_NOT_FOUND: 404,
  MALFORMED_JSON: 400,
  BAD_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL_ERROR: 500,
};

/** What a code means. */
export function meaningOf(code: ApiErrorCode): string {
  return code in SERVER_ERROR_MEANINGS
    ? SERVER_ERROR_MEANINGS[code as ServerErrorCode]
    : ERROR_MEANINGS[code as ErrorCode];
}

/** What a 503 asks for in `Retry-After`: a dependency that fails is retried by the house meanwhile. */
export const RETRY_AFTER_SECONDS = 1;

/** Every code, core's first. */
export const ALL_ERROR_CODES: readonly ApiErrorCode[] = [
  ...ERROR_CODES,
  ...(Object.keys(SERVER_ERROR_MEANINGS) as ServerErrorCode[]),
];

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
  return HTTP_STATUSES[code];
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
    const code = error.code in HTTP_STATUSES ? error.code : 'INTERNAL_ERROR';
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
  return typeof message === 'string' && message !== '' ? message : meaningOf(code);
}

function bodyOf(code: ApiErrorCode, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}
