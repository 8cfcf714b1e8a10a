import { z } from 'zod';
import { codePointLength, hasLoneSurrogate } from './opaque-id.js';

/** Control characters (C0, DEL, C1) other than tab, line feed and carriage return. */
const REFUSED_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Why `text` is not acceptable free text (a title, a cancel reason, a metadata key or string), or
 * null when it is. Free text is any Unicode text except control characters other than tab, line
 * feed and carriage return, and lone surrogates: NUL and lone surrogates are what PostgreSQL
 * refuses (text, jsonb), and the other controls only ever hide or garble what a page shows.
 */
export function freeTextIssue(text: string): string | null {
  if (REFUSED_CONTROL.test(text)) {
    return text.includes('\u0000')
      ? 'must not contain NUL (\\u0000)'
      : 'must not contain control characters other than tab, line feed and carriage return';
  }
  if (hasLoneSurrogate(text)) return 'must not contain lone surrogates (it is not Unicode text)';
  return null;
}

/** Free text (see `freeTextIssue`) of `min` to `max` characters (code points); `trim` trims it first. */
export function freeTextSchema(options: { min?: number; max: number; trim?: boolean }) {
  const base = options.trim === true ? z.string().trim() : z.string();
  const min = options.min ?? 0;
  return base.superRefine((text, ctx) => {
    const length = codePointLength(text);
    const issue =
      length < min
        ? min === 1
          ? 'must not be empty'
          : `must be at least ${min} characters`
        : length > options.max
          ? `must be at most ${options.max} characters`
          : freeTextIssue(text);
    if (issue !== null) ctx.addIssue({ code: 'custom', message: issue });
  });
}
