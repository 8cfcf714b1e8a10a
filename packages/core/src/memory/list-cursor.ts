import { OutcryError } from '../errors.js';

interface Keyed {
  spec: { createdAt: number; id: string };
}

/** Newest first: createdAt descending, then id descending. Negative when `a` comes first. */
export function compareNewestFirst(a: Keyed, b: Keyed): number {
  if (a.spec.createdAt !== b.spec.createdAt) return b.spec.createdAt - a.spec.createdAt;
  return a.spec.id < b.spec.id ? 1 : a.spec.id > b.spec.id ? -1 : 0;
}

/** An opaque keyset cursor: the (createdAt, id) of the last item of a page. */
export function encodeListCursor(spec: { createdAt: number; id: string }): string {
  return Buffer.from(JSON.stringify([spec.createdAt, spec.id])).toString('base64url');
}

export function decodeListCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return { createdAt: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new OutcryError('INVALID_INPUT', 'The cursor is not one this server gave out.');
}
