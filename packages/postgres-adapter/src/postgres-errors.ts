import { isOutcryError, OutcryError } from '@outcry/core';

/** SQLSTATE raised by commit_batch for a stale token or a seq that does not follow. */
export const STALE_OWNER_SQLSTATE = 'OC409';
/** unique_violation: a repeated (auction_id, seq) or bid_id in the ledger. */
export const UNIQUE_VIOLATION_SQLSTATE = '23505';

function sqlStateOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * What a failed query means to a caller: STALE_OWNER for fencing and ledger conflicts,
 * UNAVAILABLE (with the pg error as cause) for everything else, such as a lost connection.
 */
export function toOutcryError(error: unknown, what: string): OutcryError {
  if (isOutcryError(error)) return error;
  const state = sqlStateOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (state === STALE_OWNER_SQLSTATE || state === UNIQUE_VIOLATION_SQLSTATE) {
    return new OutcryError('STALE_OWNER', `${what} refused: ${message}`, { cause: error });
  }
  return new OutcryError(
    'UNAVAILABLE',
    `${what} failed: PostgreSQL is unavailable or refused the query (${message}).`,
    {
      cause: error,
    },
  );
}
