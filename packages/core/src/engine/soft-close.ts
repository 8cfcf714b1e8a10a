import type { AuctionState } from './types.js';

/**
 * Anti-sniping: the end an accepted bid moves the auction to, or null when it moves nothing.
 * Only a bid inside the window that changed the price or the leader extends, never past
 * `maxEndsAt` nor beyond `maxExtensions`, and an end never moves earlier.
 */
export function computeExtendedEnd(state: AuctionState, receivedAt: number, changedPublicly: boolean): number | null {
  const rule = state.spec.softClose;
  if (rule === null || !changedPublicly) return null;
  if (state.endsAt - receivedAt > rule.windowMs) return null;
  if (rule.maxExtensions !== null && state.extensions >= rule.maxExtensions) return null;
  let endsAt = rule.mode === 'add' ? state.endsAt + rule.extendMs : receivedAt + rule.extendMs;
  if (rule.maxEndsAt !== null) endsAt = Math.min(endsAt, rule.maxEndsAt);
  return endsAt > state.endsAt ? endsAt : null;
}
