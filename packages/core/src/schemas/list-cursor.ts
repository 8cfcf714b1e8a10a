import { OutcryError } from '../errors.js';
import { isAuctionId } from './auction-id.js';

/** The latest instant a cursor may carry: the last millisecond a JavaScript Date can hold. */
const MAX_INSTANT = 8_640_000_000_000_000;

/** An opaque keyset cursor: the (createdAt, id) of the last item of a page. */
export function encodeListCursor(spec: { createdAt: number; id: string }): string {
  return Buffer.from(JSON.stringify([spec.createdAt, spec.id])).toString('base64url');
}

/**
 * The (createdAt, id) in a cursor, or null when `cursor` is not one `encodeListCursor` could have
 * made: base64url of `[createdAt, id]` with createdAt an integer instant and id an auction id,
 * written exactly as encodeListCursor writes it. Every store decodes cursors with this, so a
 * crafted one never reaches a query.
 */
export function readListCursor(cursor: string): { createdAt: number; id: string } | null {
  if (cursor.length === 0 || cursor.length > 512) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [createdAt, id] = value as unknown[];
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || createdAt < 0 || createdAt > MAX_INSTANT) {
    return null;
  }
  if (!isAuctionId(id)) return null;
  const decoded = { createdAt, id };
  return encodeListCursor(decoded) === cursor ? decoded : null;
}

/** True when `cursor` is one `encodeListCursor` could have made (see `readListCursor`). */
export function isListCursor(cursor: string): boolean {
  return readListCursor(cursor) !== null;
}

/** The (createdAt, id) in a cursor; OutcryError INVALID_INPUT (path `cursor`) for any other string. */
export function decodeListCursor(cursor: string): { createdAt: number; id: string } {
  const decoded = typeof cursor === 'string' ? readListCursor(cursor) : null;
  if (decoded !== null) return decoded;
  throw new OutcryError('INVALID_INPUT', 'Invalid list query: cursor is not one this server gave out.', {
    details: [{ path: 'cursor', message: 'is not one this server gave out' }],
  });
}
