import { isOutcryError } from '../errors.js';

/**
 * What a failed commit (or a failed read made while judging) means to a sequencer:
 * - `stale`: a newer owner fenced this one off; it stops at once.
 * - `refused`: the store refused the content of what was sent; sending it again cannot help.
 * - `transient`: the store could not be reached or could not write for now; tried again later.
 */
export type CommitFailure = 'stale' | 'refused' | 'transient';

/** The kind of a store's failure, from its OutcryError code (see `AuctionStore.commit`). */
export function commitFailureOf(error: unknown): CommitFailure {
  if (!isOutcryError(error)) return 'transient';
  if (error.code === 'STALE_OWNER') return 'stale';
  return error.code === 'STORE_REJECTED' ? 'refused' : 'transient';
}
