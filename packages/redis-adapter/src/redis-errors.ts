import { isOutcryError, OutcryError } from '@outcry/core';

/**
 * The first word of Redis error replies that say the server or the cluster cannot run the
 * command now, not that the command is wrong: a server loading its data (LOADING), busy with a
 * script (BUSY), a replica or a failed-over primary (READONLY, MASTERDOWN, NOREPLICAS), a cluster
 * moving or missing slots (MOVED, ASK, TRYAGAIN, CLUSTERDOWN), out of memory (OOM), a script
 * cache flushed meanwhile (NOSCRIPT), a command unblocked by an operator (UNBLOCKED).
 */
const TRANSIENT_REPLIES: ReadonlySet<string> = new Set([
  'LOADING',
  'BUSY',
  'READONLY',
  'MASTERDOWN',
  'NOREPLICAS',
  'MOVED',
  'ASK',
  'TRYAGAIN',
  'CLUSTERDOWN',
  'OOM',
  'NOSCRIPT',
  'UNBLOCKED',
]);

/** Replies of the generic ERR kind that are still about the server's state. */
const TRANSIENT_ERR = /^ERR max number of clients reached/;

/**
 * True when the failure may pass and the same call may succeed later; false when Redis refused
 * what was sent: an error reply not about the server's state, such as a script failing on the
 * data it was given (`ERR ... @user_script`), a key of the wrong type (WRONGTYPE) or an argument
 * over a limit; or an error JavaScript raised on the values while writing them. Every other
 * error (connection closed, refused or reset, a command timed out, retries exhausted) is one of
 * the transport: transient.
 */
export function isTransientRedisError(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError) return false;
  if (!(error instanceof Error) || error.name !== 'ReplyError') return true;
  const kind = error.message.split(' ', 1)[0] ?? '';
  return TRANSIENT_REPLIES.has(kind) || TRANSIENT_ERR.test(error.message);
}

/**
 * A failed call as the AuctionStore port reports it: STORE_REJECTED when Redis refused what was
 * sent (see `isTransientRedisError`), UNAVAILABLE otherwise; an OutcryError stays as it is.
 */
export function toStoreError(error: unknown, what: string): OutcryError {
  if (isOutcryError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isTransientRedisError(error))
    return new OutcryError('UNAVAILABLE', `${what} failed: Redis could not run it now (${message}).`, { cause: error });
  return new OutcryError('STORE_REJECTED', `${what} refused by Redis: ${message}`, { cause: error });
}
