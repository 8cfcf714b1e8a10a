import { expect } from 'vitest';
import {
  type AuctionState,
  applyCommand,
  buildAuctionSpec,
  type Decision,
  type LifecycleOutcome,
} from '../../src/engine/index.js';
import {
  type BidAccepted,
  type BidOutcome,
  type BidRejected,
  type CreateAuctionInput,
  createAuctionInputSchema,
} from '../../src/index.js';

/** Instants used by the stories: the auction runs from T0 to END. */
export const T0 = 1_000_000;
export const END = T0 + 60_000;

/** A valid create input with test defaults; `overrides` wins. */
export function auctionInput(overrides: Partial<CreateAuctionInput> = {}): CreateAuctionInput {
  return {
    sellerId: 'seller',
    title: 'Guitar',
    currency: 'USD',
    startingPrice: 1_000,
    increment: { type: 'fixed', amount: 100 },
    startsAt: T0,
    endsAt: END,
    ...overrides,
  };
}

/**
 * A small driver that tells an auction as a story: each call applies one command through the
 * engine at a given instant and keeps the new state, so tests read as "Alice bids, Bob bids".
 */
export class AuctionStory {
  state: AuctionState;
  last: Decision;
  private bids = 0;

  constructor(overrides: Partial<CreateAuctionInput> = {}, createdAt = T0) {
    const input = createAuctionInputSchema.parse(auctionInput(overrides));
    const spec = buildAuctionSpec(input, 'a1', createdAt);
    this.last = applyCommand(null, { type: 'create', spec, receivedAt: createdAt });
    if (this.last.state === null) throw new Error('create failed');
    this.state = this.last.state;
  }

  private apply(decision: Decision): Decision {
    this.last = decision;
    if (decision.state !== null) this.state = decision.state;
    return decision;
  }

  /** Place a bid (a maximum) and return the outcome. */
  bid(bidderId: string, amount: number, at = T0 + 1_000, bidId = `bid-${++this.bids}`): BidOutcome {
    return this.apply(
      applyCommand(this.state, { type: 'bid', auctionId: 'a1', bidId, bidderId, amount, receivedAt: at }),
    ).outcome as BidOutcome;
  }

  /** Place a bid that must be accepted. */
  accept(bidderId: string, amount: number, at?: number): BidAccepted {
    const outcome = this.bid(bidderId, amount, at);
    expect(outcome, `${bidderId} bids ${amount}`).toMatchObject({ status: 'accepted' });
    return outcome as BidAccepted;
  }

  /** Place a bid that must be rejected. */
  refuse(bidderId: string, amount: number, at?: number): BidRejected {
    const outcome = this.bid(bidderId, amount, at);
    expect(outcome, `${bidderId} bids ${amount}`).toMatchObject({ status: 'rejected' });
    return outcome as BidRejected;
  }

  buyNow(bidderId: string, at = T0 + 1_000, bidId = `bid-${++this.bids}`): BidOutcome {
    return this.apply(applyCommand(this.state, { type: 'buy-now', auctionId: 'a1', bidId, bidderId, receivedAt: at }))
      .outcome as BidOutcome;
  }

  close(at = END): LifecycleOutcome {
    return this.apply(applyCommand(this.state, { type: 'close', auctionId: 'a1', receivedAt: at }))
      .outcome as LifecycleOutcome;
  }

  open(at = T0): LifecycleOutcome {
    return this.apply(applyCommand(this.state, { type: 'open', auctionId: 'a1', receivedAt: at }))
      .outcome as LifecycleOutcome;
  }

  cancel(at = T0 + 1_000, by = 'seller', reason: string | null = null): LifecycleOutcome {
    return this.apply(applyCommand(this.state, { type: 'cancel', auctionId: 'a1', by, reason, receivedAt: at }))
      .outcome as LifecycleOutcome;
  }

  /** Price and leader, the two public facts most stories check. */
  get shown(): { price: number; leaderId: string | null } {
    return { price: this.state.price, leaderId: this.state.leaderId };
  }
}
