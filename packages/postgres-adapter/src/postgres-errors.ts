import { isOutcryError, OutcryError } from '@outcry/core';

/** SQLSTATE raised by commit_batch for a stale token or a seq that does not follow. */
const STALE_OWNER_SQLSTATE = 'OC409';
/** unique_violation: a repeated (auction_id, seq) or bid_id in the ledger. */
const UNIQUE_VIOLATION_SQLSTATE = '23505';

/**
 * SQLSTATE classes of failures of the connection or of the server's state, which pass: a lost
 * or refused connection (08), a rolled-back transaction such as a serialization failure or a
 * deadlock (40), insufficient resources (53), an operator's intervention such as a shutdown or a
 * cancelled statement (57), a system error (58), a lock not available or a read-only server
 * (55, 25), a failed authorization or a missing database (28, 3D), a snapshot too old (72), a
 * configuration file error (F0), an internal error (XX). Every other class (22 data exception,
 * 23 integrity, 42 syntax or access, 54 program limit, 0A, P0, ...) refuses what was sent, and
 * sending it again is refused again.
 */
const TRANSIENT_CLASSES: ReadonlySet<string> = new Set([
  '08',
  '25',
  '28',
  '3D',
  '40',
  '53',
  '55',
  '57',
  '58',
  '72',
  'F0',
  'XX',
]);

/** The SQLSTATE of an error the server raised (node's own errors carry codes like ECONNRESET). */
function sqlStateOf(error: unknown): string | undefined {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && typeof severity === 'string' ? code : undefined;
}

/**
 * True when the failure may pass and the same query may succeed later; false when PostgreSQL
 * refused what was sent. An error without a SQLSTATE is a failure of the connection (refused,
 * reset, timed out, the pool ended), except an error JavaScript raised on the values themselves
 * (a TypeError, RangeError or SyntaxError while writing the parameters).
 */
export function isTransientPostgresError(error: unknown): boolean {
  const state = sqlStateOf(error);
  if (state === undefined)
    return !(error instanceof TypeError || error instanceof RangeError || error instanceof SyntaxError);
  return TRANSIENT_CLASSES.has(state.slice(0, 2));
}

/**
 * What a failed query means to a caller: STALE_OWNER for fencing and ledger conflicts,
 * STORE_REJECTED (with the SQLSTATE in `details`) when PostgreSQL refused what was sent, and
 * UNAVAILABLE (with the pg error as cause) for a failure that may pass, such as a lost
 * connection (see `isTransientPostgresError`).
 */
export function toOutcryError(error: unknown, what: string): OutcryError {
  if (isOutcryError(error)) return error;
  const state = sqlStateOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (state === STALE_OWNER_SQLSTATE || state === UNIQUE_VIOLATION_SQLSTATE) {
    return new OutcryError('STALE_OWNER', `${what} refused: ${message}`, { cause: error });
  }
  if (!isTransientPostgresError(error)) {
    return new OutcryError('STORE_REJECTED', `${what} refused by PostgreSQL: ${message}`, {
      cause: error,
      details: { sqlState: state ?? null },
    });
  }
  return new OutcryError('UNAVAILABLE', `${what} failed: PostgreSQL could not run it now (${message}).`, {
    cause: error,
  });
}

/** A refusal `commit_batches` reported for one batch as '<SQLSTATE> <message>', as the error the server would raise. */
export function batchRefusal(result: string): Error {
  const space = result.indexOf(' ');
  return Object.assign(new Error(result.slice(space + 1)), { code: result.slice(0, space), severity: 'ERROR' });
}
