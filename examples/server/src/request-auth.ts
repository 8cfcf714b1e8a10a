import type { FastifyRequest } from 'fastify';
import { ApiError } from './http-errors.js';
import type { SecretCheck, TokenSigner } from './token-signer.js';

/**
 * Who sent a request: a user (by token), the admin (by ADMIN_TOKEN), nobody, or a token that is
 * neither (whose error depends on what the route wanted: a user's or the admin's).
 */
export type Caller =
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'admin' }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'invalid' };

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="outcry"' };

/** Reads `Authorization: Bearer <token>` and tells who it is. A malformed header is an error, not anonymity. */
export function identifyCaller(request: FastifyRequest, signer: TokenSigner, admin: SecretCheck | null): Caller {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return { kind: 'anonymous' };
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (match === null) throw new ApiError('UNAUTHORIZED', 'Send Authorization: Bearer <token>.', { headers: CHALLENGE });
  const token = match[1] as string;
  // Users first: the common case costs one cache lookup; the admin check hashes only what is not a user token.
  const userId = signer.verify(token);
  if (userId !== null) return { kind: 'user', userId };
  if (admin?.matches(token) === true) return { kind: 'admin' };
  return { kind: 'invalid' };
}

/** The user behind a request, or 401 UNAUTHORIZED (the admin token is not a user: admins do not bid). */
export function requireUser(caller: Caller): string {
  if (caller.kind === 'user') return caller.userId;
  if (caller.kind === 'admin') throw new ApiError('FORBIDDEN', 'The admin token cannot act as a user; log in as one.');
  if (caller.kind === 'invalid') {
    throw new ApiError('UNAUTHORIZED', 'The token is invalid or expired; log in again.', { headers: CHALLENGE });
  }
  throw new ApiError('UNAUTHORIZED', 'This route needs Authorization: Bearer <token> (POST /session gives one).', {
    headers: CHALLENGE,
  });
}

/** Passes for the admin token only: 401 without a token, 403 with a user's. */
export function requireAdmin(caller: Caller, adminToken: string | null): void {
  if (adminToken === null) throw new ApiError('FORBIDDEN', 'Admin routes are off: set ADMIN_TOKEN to use them.');
  if (caller.kind === 'admin') return;
  if (caller.kind === 'anonymous') {
    throw new ApiError('UNAUTHORIZED', 'This route needs Authorization: Bearer <ADMIN_TOKEN>.', { headers: CHALLENGE });
  }
  if (caller.kind === 'invalid') {
    throw new ApiError('UNAUTHORIZED', 'That is not the admin token: send Authorization: Bearer <ADMIN_TOKEN>.', {
      headers: CHALLENGE,
    });
  }
  throw new ApiError('FORBIDDEN', 'Only the admin may use this route.');
}
