import fc from 'fast-check';
import { isOpaqueId, MAX_ID_LENGTH } from '../schemas/opaque-id.js';

/**
 * User ids and bidIds that an adapter must keep byte for byte: real usernames and identity
 * provider ids, and characters that mean something to Redis keys and hash tags, JSON, SQL, URLs
 * and HTML. Every one is a valid opaque id.
 */
export const NAMED_OPAQUE_IDS: readonly string[] = [
  'freedom*48',
  'pinda$',
  '**balancedbody4u**',
  'auth0|5f3a9c',
  'a+b@example.com',
  'Łukasz',
  '用户42',
  '{p0}',
  '}{',
  'key:with:colons',
  'two  spaces ',
  '"quoted" \\back\\slash',
  "O'Brien; DROP TABLE bids;--",
  '<img src=x onerror=alert(1)>',
  '%2F/..?#&=',
  'e\u0301 \u2028 \ufeff \ufffd',
  '😀🇵🇱',
  '5:alice:b1',
  'x'.repeat(MAX_ID_LENGTH),
  '😀'.repeat(MAX_ID_LENGTH),
];

/** Characters that take part in keys, escapes or markup, drawn more often than chance would. */
const SPECIAL = fc.constantFrom('{', '}', '*', ' ', ':', '|', '$', '"', '\\', "'", '%', '/', '<', '&', '\u2028', '😀');

/**
 * Any valid opaque id of 1 to `maxLength` characters (24 by default; at most 256): any Unicode
 * except control characters, often with the characters of SPECIAL.
 */
export function opaqueIdArbitrary(options: { maxLength?: number } = {}): fc.Arbitrary<string> {
  const maxLength = Math.min(options.maxLength ?? 24, MAX_ID_LENGTH);
  const unit = fc.oneof(
    SPECIAL,
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );
  return fc.string({ unit, minLength: 1, maxLength }).filter(isOpaqueId);
}
