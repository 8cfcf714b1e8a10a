import { ERROR_MEANINGS, type ErrorCode } from '@outcry/core';

/** Codes of the protocol itself, with what they mean. */
const PROTOCOL_ERROR_MEANINGS = {
  BAD_FRAME: 'The frame is not a JSON text frame holding an object with a known `type`.',
  SUBSCRIPTION_LIMIT: 'A `subscribe` would take the connection over its number of subscriptions.',
} as const;

/** The @outcry/core codes an `error` frame may carry; they mean what core says they mean. */
const CORE_CODES = [
  'INVALID_INPUT',
  'UNAUTHORIZED',
  'RATE_LIMITED',
  'AUCTION_NOT_FOUND',
  'UNAVAILABLE',
  'TIMEOUT',
  'SHUTTING_DOWN',
] as const satisfies readonly ErrorCode[];

/** A code of an `error` frame. */
export type GatewayErrorCode = keyof typeof PROTOCOL_ERROR_MEANINGS | (typeof CORE_CODES)[number];

/**
 * Every code the gateway puts in an `error` frame, with what it means: the protocol's own and
 * @outcry/core's (ERROR_MEANINGS). The README's error table is checked against it by a test.
 */
export const GATEWAY_ERROR_CODES: { readonly [C in GatewayErrorCode]: string } = {
  ...PROTOCOL_ERROR_MEANINGS,
  ...(Object.fromEntries(CORE_CODES.map((code) => [code, ERROR_MEANINGS[code]])) as {
    readonly [C in (typeof CORE_CODES)[number]]: string;
  }),
};

/** Close codes the gateway uses, with their reasons. Also listed in the README. */
export const GATEWAY_CLOSE_CODES = {
  1001: 'The gateway is closing (server shutdown).',
  1009: 'A frame was larger than `maxPayload`.',
  1013: 'Slow consumer: the connection stayed behind (send buffer over `maxBufferedBytes`) longer than `maxBehindMs`.',
} as const;
