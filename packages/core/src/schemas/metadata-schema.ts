import { z } from 'zod';
import { freeTextIssue } from './free-text.js';

/** How deep objects and arrays may nest in `metadata`, counting `metadata` itself. */
export const MAX_METADATA_DEPTH = 16;
/** How many keys and array items `metadata` may hold in all, at every depth. */
export const MAX_METADATA_ENTRIES = 1_000;
/** How long `metadata` may be as JSON text, in UTF-8 bytes. */
export const MAX_METADATA_BYTES = 8_192;

/** A problem with metadata: where (keys and indexes below `metadata`) and what. */
export interface MetadataIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

interface Visit {
  readonly value: unknown;
  readonly path: readonly (string | number)[];
  readonly depth: number;
}

const NOT_JSON = 'must be JSON: null, a boolean, a finite number, a string, an array or a plain object';

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The issue with one value (not its children), or null. */
function valueIssue(value: unknown): string | null {
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : NOT_JSON;
  if (typeof value === 'string') return freeTextIssue(value);
  if (typeof value === 'object' && (Array.isArray(value) || isPlainObject(value))) return null;
  return NOT_JSON;
}

/**
 * The first problem with `metadata`, or null. A loop with its own queue rather than recursion, so
 * that no nesting (nor a cycle) can exhaust the stack, and it stops at the first problem: a value
 * nested deeper than MAX_METADATA_DEPTH or holding more than MAX_METADATA_ENTRIES is refused
 * before anything walks all of it.
 */
function findMetadataIssue(metadata: unknown): MetadataIssue | null {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || !isPlainObject(metadata)) {
    return { path: [], message: 'must be a JSON object' };
  }
  const queue: Visit[] = [{ value: metadata, path: [], depth: 1 }];
  let entries = 0;
  for (let next = 0; next < queue.length; next++) {
    const { value, path, depth } = queue[next] as Visit;
    const issue = valueIssue(value);
    if (issue !== null) return { path, message: issue };
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_METADATA_DEPTH) {
      return { path, message: `must not nest objects and arrays more than ${MAX_METADATA_DEPTH} deep` };
    }
    const children: Array<[string | number, unknown]> = [];
    if (Array.isArray(value)) for (let i = 0; i < value.length; i++) children.push([i, value[i]]);
    else children.push(...Object.entries(value));
    entries += children.length;
    if (entries > MAX_METADATA_ENTRIES) {
      return { path: [], message: `must hold at most ${MAX_METADATA_ENTRIES} keys and array items in all` };
    }
    for (const [key, child] of children) {
      if (typeof key === 'string') {
        const keyIssue = freeTextIssue(key);
        if (keyIssue !== null) return { path: [...path, key], message: `key ${keyIssue}` };
      }
      queue.push({ value: child, path: [...path, key], depth: depth + 1 });
    }
  }
  if (Buffer.byteLength(JSON.stringify(metadata), 'utf8') > MAX_METADATA_BYTES) {
    return { path: [], message: `must serialise to at most ${MAX_METADATA_BYTES} bytes of JSON` };
  }
  return null;
}

/** JSON metadata of an auction, as `findMetadataIssue` allows; parsed into a copy of its own. */
export const metadataSchema = z
  .custom<Record<string, unknown>>()
  .superRefine((metadata, ctx) => {
    const issue = findMetadataIssue(metadata);
    if (issue !== null) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
  })
  .transform((metadata) => JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>);
