import { z } from 'zod';

/** The longest user id or bidId, in characters (Unicode code points). */
export const MAX_ID_LENGTH = 256;

/** Control characters: C0, DEL and C1. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Nearly every id: no surrogates at all, so UTF-16 units are characters. */
const PLAIN_ID = /^[^\u0000-\u001f\u007f-\u009f\ud800-\udfff]{1,256}$/;
/** Any id: characters without controls, surrogates only in pairs, each pair one character. */
const ANY_ID = /^(?:[^\u0000-\u001f\u007f-\u009f\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff]){1,256}$/;

/** The length of `text` in Unicode code points (a surrogate pair counts once). */
export function codePointLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        length--;
        i++;
      }
    }
  }
  return length;
}

/** True when `text` holds a surrogate that is not half of a pair (not Unicode text; stores refuse it). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

/**
 * True when `value` is an opaque id: a user id (bidderId, sellerId, a cancel's `by`) or a bidId.
 * Such ids are chosen by the embedding application and kept byte for byte: any string of 1 to
 * 256 characters without control characters (C0, DEL, C1) and without lone surrogates.
 */
export function isOpaqueId(value: unknown): value is string {
  return typeof value === 'string' && (PLAIN_ID.test(value) || ANY_ID.test(value));
}

/** Why `text` is not an opaque id of at most `maxLength` characters, or null when it is one. */
function opaqueIdIssue(text: string, maxLength = MAX_ID_LENGTH): string | null {
  if (text.length === 0) return 'must not be empty';
  if (codePointLength(text) > maxLength) return `must be at most ${maxLength} characters`;
  if (CONTROL.test(text)) return 'must not contain control characters';
  if (hasLoneSurrogate(text)) return 'must not contain lone surrogates (it is not Unicode text)';
  return null;
}

/**
 * A user id or bidId, as `isOpaqueId` says, with `maxLength` characters at most (256 unless a
 * caller needs room, e.g. to prefix ids).
 */
export function opaqueIdSchemaOf(maxLength = MAX_ID_LENGTH) {
  return z
    .string()
    .superRefine((text, ctx) => {
      const issue = opaqueIdIssue(text, maxLength);
      if (issue !== null) ctx.addIssue({ code: 'custom', message: issue });
    })
    .describe(`Any text of 1 to ${maxLength} characters without control characters or lone surrogates.`);
}

/** A user id (bidderId, sellerId, a cancel's `by`) or a bidId: see `isOpaqueId`. */
export const opaqueIdSchema = opaqueIdSchemaOf();
