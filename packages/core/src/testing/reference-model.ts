import type {
  AuctionResult,
  AuctionSpec,
  AuctionStatus,
  BuyNowCommand,
  CancelAuctionCommand,
  CloseAuctionCommand,
  IncrementRule,
  Money,
  OpenAuctionCommand,
  PlaceBidCommand,
} from '../engine/types.js';
import type { RejectionCode } from '../errors.js';

/*
 * A deliberately naive reference model of the auction rules (docs/rules.md), written to be
 * obviously right rather than fast, and sharing no logic with the engine: it keeps the list of
 * accepted bids and recomputes the leader and the price from that list (sort by max desc, then
 * time asc; leader = top; runner-up = best max of any other bidder). Property tests feed the
 * same commands to the engine and to this model and compare them step by step.
 */

/** A command the model judges: the engine's commands minus `create` (the model starts from a spec). */
export type ReferenceCommand =
  | Pick<PlaceBidCommand, 'type' | 'bidId' | 'bidderId' | 'amount' | 'receivedAt'>
  | Pick<BuyNowCommand, 'type' | 'bidId' | 'bidderId' | 'receivedAt'>
  | Pick<CancelAuctionCommand, 'type' | 'receivedAt'>
  | Pick<CloseAuctionCommand, 'type' | 'receivedAt'>
  | Pick<OpenAuctionCommand, 'type' | 'receivedAt'>;

/** What the public can see of the auction, as the model computes it. */
export interface ReferenceView {
  readonly status: AuctionStatus;
  readonly seq: number;
  readonly price: Money;
  readonly leaderId: string | null;
  readonly bidCount: number;
  readonly minimumBid: Money | null;
  readonly reserveMet: boolean;
  readonly buyNowAvailable: boolean;
  readonly endsAt: number;
  readonly extensions: number;
  readonly result: AuctionResult | null;
}

/**
 * The verdict on one command. `accepted` with `changed: false` is a lifecycle command that found
 * its work already done (closing a closed auction); `not-due` is an open or close that came early.
 */
export interface ReferenceVerdict {
  readonly status: 'accepted' | 'rejected' | 'not-due';
  readonly changed: boolean;
  readonly code?: RejectionCode;
  /** For BID_TOO_LOW: the least amount that bidder could have bid. */
  readonly minimumBid?: Money;
  /** For not-due: when the command will be due. */
  readonly dueAt?: number;
  /** The view after the command. */
  readonly view: ReferenceView;
}

/** One accepted bid, as the model remembers it; `order` is its place in the judging order. */
export interface ReferenceBid {
  readonly bidderId: string;
  readonly max: Money;
  readonly order: number;
}

/** The naive model of one auction: judge commands one by one with `apply`. */
export interface ReferenceModel {
  apply(command: ReferenceCommand): ReferenceVerdict;
  view(): ReferenceView;
  /** Every accepted bid (buy-now excluded), in judging order. */
  bids(): readonly ReferenceBid[];
}

/** The increment at `amount`: a fixed step, or the amount of the last table row starting at or below it. */
export function referenceIncrement(rule: IncrementRule, amount: Money): Money {
  if (rule.type === 'fixed') return rule.amount;
  const applicable = rule.steps.filter((step) => step.from <= amount);
  const row = applicable.length > 0 ? applicable[applicable.length - 1] : rule.steps[0];
  if (row === undefined) throw new Error('an increment table needs at least one row');
  return row.amount;
}

/** Sorted by max descending, then by judging order ascending: the leader is the first. */
function ranked(bids: readonly ReferenceBid[]): ReferenceBid[] {
  return [...bids].sort((a, b) => b.max - a.max || a.order - b.order);
}

/** Create the model of an auction with `spec`, created at `createdAt`. */
export function createReferenceModel(spec: AuctionSpec, createdAt: number): ReferenceModel {
  let status: AuctionStatus = createdAt >= spec.startsAt ? 'open' : 'scheduled';
  let seq = 1;
  let price = spec.startingPrice;
  const accepted: ReferenceBid[] = [];
  let buyer: string | null = null;
  let bidCount = 0;
  let endsAt = spec.originalEndsAt;
  let extensions = 0;
  let result: AuctionResult | null = null;

  const top = (): ReferenceBid | null => ranked(accepted)[0] ?? null;
  const leaderId = (): string | null => buyer ?? top()?.bidderId ?? null;
  const reserveMet = (): boolean => {
    if (spec.reservePrice === null || buyer !== null) return true;
    const best = top();
    return best !== null && best.max >= spec.reservePrice;
  };
  const publicMinimum = (): Money =>
    accepted.length === 0 ? spec.startingPrice : price + referenceIncrement(spec.increment, price);
  const buyNowAvailable = (asStatus: AuctionStatus): boolean => {
    if (spec.buyNowPrice === null || asStatus !== 'open') return false;
    if (accepted.length === 0) return true;
    return spec.reservePrice !== null && !reserveMet();
  };

  const view = (): ReferenceView => ({
    status,
    seq,
    price,
    leaderId: leaderId(),
    bidCount,
    minimumBid: status === 'open' || status === 'scheduled' ? publicMinimum() : null,
    reserveMet: reserveMet(),
    buyNowAvailable: buyNowAvailable(status),
    endsAt,
    extensions,
    result,
  });

  const verdict = (v: Omit<ReferenceVerdict, 'view'>): ReferenceVerdict => ({ ...v, view: view() });
  const reject = (code: RejectionCode, minimumBid?: Money): ReferenceVerdict =>
    verdict(
      minimumBid === undefined
        ? { status: 'rejected', changed: false, code }
        : { status: 'rejected', changed: false, code, minimumBid },
    );

  /** Why nothing can be bid or bought at `at`, by status and clock; null when it can. */
  const blocked = (at: number): RejectionCode | null => {
    if (status === 'cancelled') return 'AUCTION_CANCELLED';
    if (status === 'closed') return 'AUCTION_ENDED';
    if (at < spec.startsAt) return 'AUCTION_NOT_OPEN';
    if (at >= endsAt) return 'AUCTION_ENDED';
    return null;
  };

  /** The price from the sorted list alone: starting price with one bidder, else the proxy formula. */
  const proxyPrice = (): Money => {
    const list = ranked(accepted);
    const leader = list[0];
    if (leader === undefined) return spec.startingPrice;
    const runnerUp = list.find((bid) => bid.bidderId !== leader.bidderId);
    if (runnerUp === undefined) return spec.startingPrice;
    return Math.min(leader.max, runnerUp.max + referenceIncrement(spec.increment, runnerUp.max));
  };

  const bid = (command: Extract<ReferenceCommand, { type: 'bid' }>): ReferenceVerdict => {
    const at = command.receivedAt;
    const { bidderId, amount } = command;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0 || amount > 1e15)
      return reject('INVALID_BID');
    const why = blocked(at);
    if (why !== null) return reject(why);
    if (bidderId === spec.sellerId) return reject('SELLER_CANNOT_BID');
    const leaderBefore = leaderId();
    if (bidderId === leaderBefore) {
      const ownMax = Math.max(...accepted.filter((b) => b.bidderId === bidderId).map((b) => b.max));
      if (amount <= ownMax) return reject('BID_TOO_LOW', ownMax + 1);
    } else {
      const minimum = publicMinimum();
      if (amount < minimum) return reject('BID_TOO_LOW', minimum);
    }

    const priceBefore = price;
    accepted.push({ bidderId, max: amount, order: bidCount });
    price = proxyPrice();
    const best = top();
    if (spec.reservePrice !== null && best !== null && best.max >= spec.reservePrice && price < spec.reservePrice) {
      price = spec.reservePrice;
    }

    const rule = spec.softClose;
    const movedSomething = price !== priceBefore || leaderId() !== leaderBefore;
    const inWindow = rule !== null && endsAt - at <= rule.windowMs;
    const underCap = rule !== null && (rule.maxExtensions === null || extensions < rule.maxExtensions);
    if (rule !== null && movedSomething && inWindow && underCap) {
      let proposed = rule.mode === 'reset' ? at + rule.extendMs : endsAt + rule.extendMs;
      if (rule.maxEndsAt !== null && proposed > rule.maxEndsAt) proposed = rule.maxEndsAt;
      if (proposed > endsAt) {
        endsAt = proposed;
        extensions += 1;
      }
    }
    status = 'open';
    bidCount += 1;
    seq += 1;
    return verdict({ status: 'accepted', changed: true });
  };

  const buyNow = (command: Extract<ReferenceCommand, { type: 'buy-now' }>): ReferenceVerdict => {
    const why = blocked(command.receivedAt);
    if (why !== null) return reject(why);
    if (command.bidderId === spec.sellerId) return reject('SELLER_CANNOT_BID');
    if (spec.buyNowPrice === null || !buyNowAvailable('open')) return reject('BUY_NOW_UNAVAILABLE');
    buyer = command.bidderId;
    price = spec.buyNowPrice;
    bidCount += 1;
    seq += 1;
    status = 'closed';
    result = { outcome: 'bought-now', winnerId: buyer, price };
    return verdict({ status: 'accepted', changed: true });
  };

  const cancel = (command: Extract<ReferenceCommand, { type: 'cancel' }>): ReferenceVerdict => {
    if (status === 'cancelled') return reject('AUCTION_CANCELLED');
    if (status === 'closed' || command.receivedAt >= endsAt) return reject('AUCTION_ENDED');
    status = 'cancelled';
    seq += 1;
    result = { outcome: 'cancelled', winnerId: null, price: null };
    return verdict({ status: 'accepted', changed: true });
  };

  const close = (command: Extract<ReferenceCommand, { type: 'close' }>): ReferenceVerdict => {
    if (status === 'closed' || status === 'cancelled') return verdict({ status: 'accepted', changed: false });
    if (command.receivedAt < endsAt) return verdict({ status: 'not-due', changed: false, dueAt: endsAt });
    const winner = top();
    if (winner === null) result = { outcome: 'unsold', winnerId: null, price: null };
    else if (!reserveMet()) result = { outcome: 'reserve-not-met', winnerId: null, price };
    else result = { outcome: 'sold', winnerId: winner.bidderId, price };
    status = 'closed';
    seq += 1;
    return verdict({ status: 'accepted', changed: true });
  };

  const open = (command: Extract<ReferenceCommand, { type: 'open' }>): ReferenceVerdict => {
    if (status !== 'scheduled') return verdict({ status: 'accepted', changed: false });
    if (command.receivedAt < spec.startsAt) return verdict({ status: 'not-due', changed: false, dueAt: spec.startsAt });
    status = 'open';
    seq += 1;
    return verdict({ status: 'accepted', changed: true });
  };

  return {
    apply(command) {
      switch (command.type) {
        case 'bid':
          return bid(command);
        case 'buy-now':
          return buyNow(command);
        case 'cancel':
          return cancel(command);
        case 'close':
          return close(command);
        case 'open':
          return open(command);
      }
    },
    view,
    bids: () => [...accepted],
  };
}

/** Judge `commands` in order with a fresh model; one verdict per command. */
export function runReferenceModel(
  spec: AuctionSpec,
  createdAt: number,
  commands: readonly ReferenceCommand[],
): ReferenceVerdict[] {
  const model = createReferenceModel(spec, createdAt);
  return commands.map((command) => model.apply(command));
}
