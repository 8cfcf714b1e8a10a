import { describeIssues, isAuctionId } from '@outcry/core';
import { CLIENT_FRAME_TYPES, type ClientFrame, type ClientFrameType, clientFrameSchema } from './frames.js';

/** A parsed client frame, or why it was refused (`BAD_FRAME` or `INVALID_INPUT`). */
export type ParsedClientFrame =
  | { readonly ok: true; readonly frame: ClientFrame }
  | {
      readonly ok: false;
      readonly code: 'BAD_FRAME' | 'INVALID_INPUT';
      readonly message: string;
      readonly auctionId?: string;
    };

const KNOWN_TYPES = new Set<string>(CLIENT_FRAME_TYPES);

/**
 * Parse one message from a client. Never throws: whatever the bytes, the answer is a frame or a
 * refusal. A frame that is not JSON, not an object, or of no known type is `BAD_FRAME`; a known
 * type with bad fields is `INVALID_INPUT`, so a client can tell a broken client from a bad value.
 */
export function parseClientFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): ParsedClientFrame {
  if (isBinary)
    return { ok: false, code: 'BAD_FRAME', message: 'Binary frames are not accepted: send JSON text frames.' };
  let value: unknown;
  try {
    value = JSON.parse(toText(data));
  } catch {
    return { ok: false, code: 'BAD_FRAME', message: 'The frame is not valid JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'BAD_FRAME', message: 'The frame must be a JSON object with a `type`.' };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
    return {
      ok: false,
      code: 'BAD_FRAME',
      message: `Unknown frame type; expected one of ${CLIENT_FRAME_TYPES.join(', ')}.`,
    };
  }
  const parsed = clientFrameSchema.safeParse(value);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const first = describeIssues(parsed.error)[0];
  const where = first === undefined ? '' : `: ${first.path || 'frame'} ${first.message}`;
  const auctionId = (value as { auctionId?: unknown }).auctionId;
  const refusal = {
    ok: false,
    code: 'INVALID_INPUT',
    message: `Invalid ${type as ClientFrameType} frame${where}.`,
  } as const;
  return isAuctionId(auctionId) ? { ...refusal, auctionId } : refusal;
}

function toText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
