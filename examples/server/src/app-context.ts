import type { AuctionHouse } from '@outcry/core';
import type { FastifyRequest } from 'fastify';
import type { PendingBids } from './bid-ids.js';
import type { ServerConfig } from './config.js';
import { ApiError } from './http-errors.js';
import type { RateLimiter } from './rate-limiter.js';
import { type Caller, identifyCaller } from './request-auth.js';
import type { ServerMetrics } from './server-metrics.js';
import type { ReadinessCheck } from './stores.js';
import type { SecretCheck, TokenSigner } from './token-signer.js';

/** What the gateway reports to /admin/stats and /metrics. */
interface GatewayView {
  metrics(): { readonly connections: number } & Record<string, unknown>;
}

/** Everything the routes share: one per app, passed to each route group. */
export interface AppContext {
  readonly config: ServerConfig;
  readonly house: AuctionHouse;
  readonly signer: TokenSigner;
  /** The ADMIN_TOKEN check, or null when admin routes are off. */
  readonly admin: SecretCheck | null;
  readonly metrics: ServerMetrics;
  readonly checks: readonly ReadinessCheck[];
  readonly bidLimiter: RateLimiter;
  readonly writeLimiter: RateLimiter;
  readonly pendingBids: PendingBids;
  readonly startedAt: number;
  /** The WebSocket gateway once attached (null when there is none). */
  gateway: GatewayView | null;
}

/** Who sent the request. */
export function callerOf(context: AppContext, request: FastifyRequest): Caller {
  return identifyCaller(request, context.signer, context.admin);
}

/** Takes a token from `limiter` for `key`, or throws 429 RATE_LIMITED with Retry-After. */
export async function enforceRate(limiter: RateLimiter, key: string): Promise<void> {
  const waitMs = await limiter.take(key);
  if (waitMs === 0) return;
  throw new ApiError('RATE_LIMITED', `Too many requests; try again in ${waitMs} ms.`, {
    details: { retryAfterMs: waitMs },
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1_000))) },
  });
}
