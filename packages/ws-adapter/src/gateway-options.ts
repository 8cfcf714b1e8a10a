import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { type AuctionHouse, type Clock, OutcryError, systemClock } from '@outcry/core';
import type { AdmitBid } from './admit-bid.js';
import type { RateLimit } from './rate-limiter.js';
import type { AllowedOrigins } from './upgrade-request.js';

/**
 * Turns a token into a user id, or null when the token is refused. May be async; a throw counts
 * as a refusal, and so does a user id that is not an opaque id (1-256 characters, no control
 * characters, no lone surrogates: see `isOpaqueId` in @outcry/core).
 */
export type Authenticate = (token: string) => string | null | Promise<string | null>;

/** Options of `createWebSocketGateway`. */
export interface WebSocketGatewayOptions {
  /** The auction house: events come from `house.subscribe`, bids go to `house.placeBid`. */
  readonly house: AuctionHouse;
  /** The HTTP(S) server whose `upgrade` requests on `path` the gateway takes. */
  readonly server: HttpServer | HttpsServer;
  /** The path of WebSocket upgrades ('/ws'); other paths are left to other listeners. */
  readonly path?: string;
  /** Token check for `auth` frames and for tokens in the upgrade request. Without it nobody can bid. */
  readonly authenticate?: Authenticate;
  /** Largest frame a client may send, in bytes (4,096); a larger one closes the connection with 1009. */
  readonly maxPayload?: number;
  /**
   * Allowed values of the Origin header: a list, or `'same-origin'` for pages served by the
   * server the gateway is on (Origin's host equal to the request's Host); every origin when absent.
   */
  readonly origins?: readonly string[] | 'same-origin';
  /** Interval of heartbeat pings (30,000 ms); a connection silent for two intervals is ended. */
  readonly heartbeatMs?: number;
  /** Frames per connection, a flood guard: `{ perSecond: 20, burst: 50 }` by default; `false` turns it off. */
  readonly rateLimit?: Partial<RateLimit> | false;
  /**
   * Asked for every bid frame of an authenticated user, on every connection: 0 lets the bid go
   * ahead, a positive number of ms refuses it with RATE_LIMITED. Pass the limiter the app uses for
   * its other bids, keyed by user, to hold one limit per user. Without it, only `rateLimit` applies.
   */
  readonly admitBid?: AdmitBid;
  /** Above this many bytes in a socket's send buffer, it gets no events until drained (65,536). */
  readonly maxBufferedBytes?: number;
  /** A connection behind for longer than this is closed with 1013 (10,000 ms). */
  readonly maxBehindMs?: number;
  /** At most this many auctions per connection (100). */
  readonly maxSubscriptions?: number;
  /** The clock of `serverTime` in snapshots and pongs: give the house's clock when it has its own. */
  readonly clock?: Clock;
}

/** The options with every default filled in. */
export interface ResolvedGatewayOptions {
  readonly house: AuctionHouse;
  readonly server: HttpServer | HttpsServer;
  readonly path: string;
  readonly authenticate: Authenticate | null;
  readonly maxPayload: number;
  readonly origins: AllowedOrigins;
  readonly heartbeatMs: number;
  readonly rateLimit: RateLimit | null;
  readonly admitBid: AdmitBid | null;
  readonly maxBufferedBytes: number;
  readonly maxBehindMs: number;
  readonly maxSubscriptions: number;
  readonly clock: Clock;
}

/** Fill in defaults and refuse nonsense early, with INVALID_INPUT. */
export function resolveGatewayOptions(options: WebSocketGatewayOptions): ResolvedGatewayOptions {
  const positive = (name: string, value: number): number => {
    if (!Number.isFinite(value) || value <= 0)
      throw new OutcryError('INVALID_INPUT', `${name} must be a positive number.`);
    return value;
  };
  if (options.house === undefined || options.server === undefined) {
    throw new OutcryError('INVALID_INPUT', 'createWebSocketGateway needs a house and a server.');
  }
  const path = options.path ?? '/ws';
  if (!path.startsWith('/')) throw new OutcryError('INVALID_INPUT', 'path must start with /.');
  const rateLimit =
    options.rateLimit === false
      ? null
      : {
          perSecond: positive('rateLimit.perSecond', options.rateLimit?.perSecond ?? 20),
          burst: positive('rateLimit.burst', options.rateLimit?.burst ?? 50),
        };
  if (options.admitBid !== undefined && typeof options.admitBid !== 'function') {
    throw new OutcryError('INVALID_INPUT', 'admitBid must be a function.');
  }
  return {
    house: options.house,
    server: options.server,
    path,
    authenticate: options.authenticate ?? null,
    maxPayload: positive('maxPayload', options.maxPayload ?? 4_096),
    origins: originsOf(options.origins),
    heartbeatMs: positive('heartbeatMs', options.heartbeatMs ?? 30_000),
    rateLimit,
    admitBid: options.admitBid ?? null,
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes ?? 65_536),
    maxBehindMs: positive('maxBehindMs', options.maxBehindMs ?? 10_000),
    maxSubscriptions: positive('maxSubscriptions', options.maxSubscriptions ?? 100),
    clock: options.clock ?? systemClock,
  };
}

function originsOf(origins: WebSocketGatewayOptions['origins']): AllowedOrigins {
  if (origins === undefined) return null;
  if (origins === 'same-origin') return origins;
  if (!Array.isArray(origins) || !origins.every((origin) => typeof origin === 'string')) {
    throw new OutcryError('INVALID_INPUT', "origins must be a list of origins or 'same-origin'.");
  }
  return new Set(origins);
}
