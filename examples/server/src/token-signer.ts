import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { opaqueIdSchemaOf } from '@outcry/core';
import { MAX_USER_ID_LENGTH_FOR_ANY_BID_ID } from '@outcry/ws-adapter';
import { z } from 'zod';

/** The longest user id the server hands out, in characters (code points): 123. */
const MAX_SERVER_USER_ID_LENGTH = MAX_USER_ID_LENGTH_FOR_ANY_BID_ID;

/**
 * User ids the server hands out: core's opaque ids (any text without control characters), at
 * most 123 characters, so that a stored bidId `<len>:<userId>:<bidId>` (see bid-ids.ts) fits
 * core's 256 with any bidId a client may send (128).
 */
export const userIdSchema = opaqueIdSchemaOf(MAX_SERVER_USER_ID_LENGTH);

const payloadSchema = z.object({ sub: userIdSchema, exp: z.number().int() }).strict();

/**
 * Signs and verifies user tokens: `base64url(JSON { sub, exp }).base64url(HMAC-SHA256)`.
 * Stateless, so every worker of a cluster with the same secret accepts every token.
 */
export class TokenSigner {
  readonly #secret: string;
  readonly #ttlMs: number;
  readonly #now: () => number;
  /**
   * Tokens verified lately, with their user and expiry: a client sends the same token with every
   * request, and the HMAC, base64 and JSON of a verification cost more than the rest of a bid's
   * own work. Only valid tokens get in (a forged one is never cached), bounded, oldest out first.
   */
  readonly #verified = new Map<string, { userId: string; exp: number }>();
  static readonly #CACHE_SIZE = 10_000;

  constructor(options: { secret: string; ttlMs: number; now?: () => number }) {
    this.#secret = options.secret;
    this.#ttlMs = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  /** A token for `userId`, valid for the configured time. */
  sign(userId: string): { token: string; expiresAt: number } {
    const expiresAt = this.#now() + this.#ttlMs;
    const body = Buffer.from(JSON.stringify({ sub: userId, exp: expiresAt })).toString('base64url');
    return { token: `${body}.${this.#mac(body)}`, expiresAt };
  }

  /** The user of a valid, unexpired token, else null. Never throws. */
  verify(token: string): string | null {
    const known = this.#verified.get(token);
    if (known !== undefined) {
      if (known.exp > this.#now()) return known.userId;
      this.#verified.delete(token);
      return null;
    }
    return this.#verifyAnew(token);
  }

  #verifyAnew(token: string): string | null {
    if (token.length > 1_024) return null;
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
    const body = token.slice(0, dot);
    // The signature's text is compared, not its decoded bytes: base64url decoding ignores stray
    // characters, padding and unused low bits, so many texts would decode to the same MAC.
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.#mac(body));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const parsed = payloadSchema.safeParse(payload);
    if (!parsed.success || parsed.data.exp <= this.#now()) return null;
    if (this.#verified.size >= TokenSigner.#CACHE_SIZE) {
      const oldest = this.#verified.keys().next();
      if (oldest.done !== true) this.#verified.delete(oldest.value);
    }
    this.#verified.set(token, { userId: parsed.data.sub, exp: parsed.data.exp });
    return parsed.data.sub;
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest('base64url');
  }
}

/** Checks a presented secret in constant time: digests have equal lengths whatever the inputs. */
export class SecretCheck {
  readonly #digest: Buffer;

  constructor(secret: string) {
    this.#digest = createHash('sha256').update(secret).digest();
  }

  matches(presented: string): boolean {
    return timingSafeEqual(createHash('sha256').update(presented).digest(), this.#digest);
  }
}
