import type { AuctionEvent, BidOutcome, PublicAuction } from '@outcry/core';
import { auctionIdSchema, moneySchema } from '@outcry/core';
import { z } from 'zod';
import { clientBidIdSchema } from './bid-ids.js';
import type { GatewayErrorCode } from './error-codes.js';

// ---- client -> server ---------------------------------------------------------------------

/** `{ type: 'auth', token }`: authenticate this connection as the token's user. */
const authFrameSchema = z.object({ type: z.literal('auth'), token: z.string().min(1).max(2_048) }).strict();

/**
 * `{ type: 'subscribe', auctionId, lastSeq? }`: watch an auction. `lastSeq` is the last seq the
 * client saw (on a reconnect): when it is current, no snapshot is sent, events simply go on.
 */
const subscribeFrameSchema = z
  .object({ type: z.literal('subscribe'), auctionId: auctionIdSchema, lastSeq: z.number().int().min(0).optional() })
  .strict();

/** `{ type: 'unsubscribe', auctionId }`: stop watching. */
const unsubscribeFrameSchema = z.object({ type: z.literal('unsubscribe'), auctionId: auctionIdSchema }).strict();

/**
 * `{ type: 'bid', auctionId, amount, bidId? }`: place a bid (the bidder's maximum) as the
 * authenticated user. `bidId` is the client's idempotency key: any text without control
 * characters, at most 128 characters.
 */
const bidFrameSchema = z
  .object({
    type: z.literal('bid'),
    auctionId: auctionIdSchema,
    amount: moneySchema.min(1, { error: 'must be at least 1 minor unit' }),
    bidId: clientBidIdSchema.optional(),
  })
  .strict();

/** `{ type: 'ping' }`: answered with a `pong` carrying the server's time. */
const pingFrameSchema = z.object({ type: z.literal('ping') }).strict();

/** Every frame a client may send, told apart by `type`. */
export const clientFrameSchema = z.discriminatedUnion('type', [
  authFrameSchema,
  subscribeFrameSchema,
  unsubscribeFrameSchema,
  bidFrameSchema,
  pingFrameSchema,
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type ClientFrameType = ClientFrame['type'];
export type AuthFrame = z.infer<typeof authFrameSchema>;
export type SubscribeFrame = z.infer<typeof subscribeFrameSchema>;
export type BidFrame = z.infer<typeof bidFrameSchema>;

/** The `type`s a client frame may have. */
export const CLIENT_FRAME_TYPES: readonly ClientFrameType[] = ['auth', 'subscribe', 'unsubscribe', 'bid', 'ping'];

// ---- server -> client ---------------------------------------------------------------------

/** The public view of an auction, on subscribe and whenever the client must resynchronise. */
interface SnapshotFrame {
  readonly type: 'snapshot';
  readonly auction: PublicAuction;
  /** The server's clock (ms since epoch) when sent: clients correct their countdowns with it. */
  readonly serverTime: number;
}

/** One event of a watched auction, in seq order; events of one change share a seq. */
interface EventFrame {
  readonly type: 'event';
  readonly event: AuctionEvent;
}

/** The answer to a `bid` frame. */
interface BidResultFrame {
  readonly type: 'bid.result';
  readonly outcome: BidOutcome;
}

/** Sent to every connection of a bidder who lost the lead. */
export interface OutbidFrame {
  readonly type: 'outbid';
  readonly auctionId: string;
  readonly price: number;
}

/** A frame was refused or could not be served. `auctionId`/`bidId` say which, when known. */
export interface ErrorFrame {
  readonly type: 'error';
  readonly code: GatewayErrorCode;
  readonly message: string;
  readonly auctionId?: string;
  readonly bidId?: string;
}

/** The answer to a `ping` frame. */
interface PongFrame {
  readonly type: 'pong';
  readonly serverTime: number;
}

/** The answer to a successful `auth` frame: from then on the client may bid. */
interface AuthOkFrame {
  readonly type: 'auth.ok';
  readonly userId: string;
}

/** Every frame the server sends. */
export type ServerFrame =
  | SnapshotFrame
  | EventFrame
  | BidResultFrame
  | OutbidFrame
  | ErrorFrame
  | PongFrame
  | AuthOkFrame;
