import type { RejectionCode } from '../errors.js';

/** Integer minor units (cents), a safe integer >= 0. */
export type Money = number;

export type AuctionStatus = 'scheduled' | 'open' | 'closed' | 'cancelled';

/** One row of a tiered increment table: from this price on, bids rise by `amount`. */
export interface IncrementStep {
  readonly from: Money;
  readonly amount: Money;
}

export type IncrementRule =
  | { readonly type: 'fixed'; readonly amount: Money }
  | { readonly type: 'table'; readonly steps: readonly IncrementStep[] };

export interface SoftCloseRule {
  readonly windowMs: number;
  readonly extendMs: number;
  readonly mode: 'reset' | 'add';
  readonly maxEndsAt: number | null;
  readonly maxExtensions: number | null;
}

/** What never changes after creation. Shared by reference between states. */
export interface AuctionSpec {
  readonly id: string;
  readonly sellerId: string;
  readonly title: string;
  readonly currency: string;
  readonly startingPrice: Money;
  readonly reservePrice: Money | null;
  readonly buyNowPrice: Money | null;
  readonly increment: IncrementRule;
  readonly softClose: SoftCloseRule | null;
  readonly startsAt: number;
  readonly originalEndsAt: number;
  readonly createdAt: number;
  readonly metadata: Readonly<Record<string, unknown>> | null;
}

export type ResultOutcome = 'sold' | 'unsold' | 'reserve-not-met' | 'bought-now' | 'cancelled';

export interface AuctionResult {
  readonly outcome: ResultOutcome;
  readonly winnerId: string | null;
  readonly price: Money | null;
}

/** The whole state of one auction, hidden fields included. Never shown to the public as is. */
export interface AuctionState {
  readonly spec: AuctionSpec;
  readonly status: AuctionStatus;
  /** Increases by one on every change. */
  readonly seq: number;
  readonly price: Money;
  readonly leaderId: string | null;
  /** The leader's maximum: hidden. */
  readonly leaderMax: Money;
  /** The highest maximum of any other bidder, null with fewer than two bidders: hidden. */
  readonly runnerUpMax: Money | null;
  readonly bidCount: number;
  readonly endsAt: number;
  readonly extensions: number;
  readonly result: AuctionResult | null;
  readonly updatedAt: number;
}

/** The public view of an auction: no maxima, no reserve amount. */
export interface PublicAuction {
  readonly id: string;
  readonly sellerId: string;
  readonly title: string;
  readonly currency: string;
  readonly status: AuctionStatus;
  readonly startingPrice: Money;
  readonly price: Money;
  readonly leaderId: string | null;
  readonly bidCount: number;
  readonly minimumBid: Money | null;
  readonly reserveMet: boolean;
  readonly hasReserve: boolean;
  readonly buyNowPrice: Money | null;
  readonly buyNowAvailable: boolean;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly originalEndsAt: number;
  readonly extensions: number;
  readonly seq: number;
  readonly result: AuctionResult | null;
  readonly metadata: Readonly<Record<string, unknown>> | null;
}

/** Every command carries the instant it reached intake; the engine judges it at that instant. */
export type AuctionCommand =
  | CreateAuctionCommand
  | OpenAuctionCommand
  | PlaceBidCommand
  | BuyNowCommand
  | CancelAuctionCommand
  | CloseAuctionCommand;

export interface CreateAuctionCommand {
  readonly type: 'create';
  readonly spec: AuctionSpec;
  readonly receivedAt: number;
}
export interface OpenAuctionCommand {
  readonly type: 'open';
  readonly auctionId: string;
  readonly receivedAt: number;
}
export interface PlaceBidCommand {
  readonly type: 'bid';
  readonly auctionId: string;
  readonly bidId: string;
  readonly bidderId: string;
  readonly amount: Money;
  readonly receivedAt: number;
}
export interface BuyNowCommand {
  readonly type: 'buy-now';
  readonly auctionId: string;
  readonly bidId: string;
  readonly bidderId: string;
  readonly receivedAt: number;
}
export interface CancelAuctionCommand {
  readonly type: 'cancel';
  readonly auctionId: string;
  readonly by: string;
  readonly reason: string | null;
  readonly receivedAt: number;
}
export interface CloseAuctionCommand {
  readonly type: 'close';
  readonly auctionId: string;
  readonly receivedAt: number;
}

export interface BidAccepted {
  readonly status: 'accepted';
  readonly bidId: string;
  readonly auctionId: string;
  readonly seq: number;
  readonly price: Money;
  readonly leaderId: string | null;
  readonly leading: boolean;
  readonly endsAt: number;
  readonly minimumBid: Money | null;
}

export interface BidRejected {
  readonly status: 'rejected';
  readonly bidId: string;
  readonly auctionId: string;
  readonly code: RejectionCode;
  readonly message: string;
  readonly minimumBid?: Money;
  readonly details?: unknown;
}

/** The answer to a bid or a buy-now. */
export type BidOutcome = BidAccepted | BidRejected;

/** The answer to create, open, cancel and close. */
export type LifecycleOutcome =
  | { readonly status: 'accepted'; readonly auction: PublicAuction }
  | { readonly status: 'rejected'; readonly auctionId: string; readonly code: RejectionCode; readonly message: string }
  /** A close or open that is not due yet (an extension moved the end): nothing changed. */
  | { readonly status: 'not-due'; readonly auctionId: string; readonly dueAt: number };

export type CommandOutcome = BidOutcome | LifecycleOutcome;

interface EventBase {
  readonly auctionId: string;
  /** The auction's seq after the change that emitted this event. */
  readonly seq: number;
  readonly at: number;
}

export type AuctionEvent =
  | (EventBase & { readonly type: 'auction.created'; readonly auction: PublicAuction })
  | (EventBase & { readonly type: 'auction.opened'; readonly endsAt: number })
  | (EventBase & {
      readonly type: 'bid.accepted';
      readonly bidId: string;
      readonly bidderId: string;
      readonly price: Money;
      readonly leaderId: string | null;
      readonly bidCount: number;
      readonly minimumBid: Money | null;
      readonly reserveMet: boolean;
      readonly endsAt: number;
      readonly buyNow: boolean;
    })
  | (EventBase & {
      readonly type: 'bid.rejected';
      readonly bidId: string;
      readonly bidderId: string;
      readonly code: RejectionCode;
    })
  | (EventBase & {
      readonly type: 'bidder.outbid';
      readonly bidderId: string;
      readonly price: Money;
      readonly leaderId: string;
    })
  | (EventBase & {
      readonly type: 'auction.extended';
      readonly endsAt: number;
      readonly previousEndsAt: number;
      readonly extensions: number;
    })
  | (EventBase & { readonly type: 'auction.closed'; readonly result: AuctionResult })
  | (EventBase & {
      readonly type: 'auction.cancelled';
      readonly by: string;
      readonly reason: string | null;
      readonly result: AuctionResult;
    });

export type AuctionEventType = AuctionEvent['type'];

/** The result of applying one command: the next state (unchanged on rejection), the answer, the events. */
export interface Decision {
  readonly state: AuctionState | null;
  readonly outcome: CommandOutcome;
  readonly events: readonly AuctionEvent[];
  /** True when the state changed (seq moved): the command belongs in the ledger. */
  readonly changed: boolean;
}
