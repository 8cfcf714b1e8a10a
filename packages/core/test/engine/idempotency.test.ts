import { describe, expect, it } from 'vitest';
import {
  type AuctionState,
  applyCommand,
  type BidOutcome,
  fingerprintBid,
  isSameBid,
  judgeRepeatedBid,
  type PlaceBidCommand,
  type RecordedBid,
} from '../../src/engine/index.js';
import { AuctionStory, T0 } from './auction-story.js';

const bid = (over: Partial<PlaceBidCommand> = {}): PlaceBidCommand => ({
  type: 'bid',
  auctionId: 'a1',
  bidId: 'k1',
  bidderId: 'alice',
  amount: 2_000,
  receivedAt: T0 + 1_000,
  ...over,
});

/**
 * What the sequencer does with bidIds, in miniature: the engine judges a bidId once; a repeat is
 * answered from memory and never reaches the engine again.
 */
class Sequencer {
  readonly seen = new Map<string, RecordedBid>();
  constructor(public state: AuctionState) {}

  submit(command: PlaceBidCommand): BidOutcome {
    const previous = this.seen.get(command.bidId);
    if (previous !== undefined) return judgeRepeatedBid(previous, command);
    const decision = applyCommand(this.state, command);
    if (decision.state !== null) this.state = decision.state;
    const outcome = decision.outcome as BidOutcome;
    this.seen.set(command.bidId, { bidderId: command.bidderId, fingerprint: fingerprintBid(command), outcome });
    return outcome;
  }
}

describe('idempotency (a repeated bidId is not a new bid)', () => {
  it('the body of a bid is its auction, bidder and amount; not the bidId nor the time', () => {
    const first = {
      bidderId: 'alice',
      fingerprint: fingerprintBid(bid()),
      outcome: { status: 'accepted', auctionId: 'a1' },
    };
    const recorded = first as unknown as RecordedBid;
    expect(isSameBid(recorded, bid({ bidId: 'other', receivedAt: T0 + 9 }))).toBe(true);
    expect(isSameBid(recorded, bid({ amount: 2_001 }))).toBe(false);
    expect(isSameBid(recorded, bid({ bidderId: 'bob' }))).toBe(false);
    expect(isSameBid(recorded, bid({ auctionId: 'a2' }))).toBe(false);
    expect(
      isSameBid(recorded, { type: 'buy-now', auctionId: 'a1', bidId: 'k1', bidderId: 'alice', receivedAt: T0 }),
    ).toBe(false);
  });

  it('story: alice retries her accepted bid after bob outbid her; she gets her first outcome, nothing changes', () => {
    const seq = new Sequencer(new AuctionStory().state);
    const first = seq.submit(bid());
    expect(first).toMatchObject({ status: 'accepted', leading: true, seq: 2 });
    seq.submit(bid({ bidId: 'k2', bidderId: 'bob', amount: 5_000 }));
    const stateAfterBob = seq.state;

    const retry = seq.submit(bid({ receivedAt: T0 + 5_000 }));
    expect(retry).toBe(first); // the same answer, even though she no longer leads
    expect(seq.state).toBe(stateAfterBob);
    expect(seq.state.bidCount).toBe(2);
  });

  it('a rejected bid repeated gets the same rejection', () => {
    const seq = new Sequencer(new AuctionStory().state);
    const first = seq.submit(bid({ amount: 10 }));
    expect(first).toMatchObject({ code: 'BID_TOO_LOW', minimumBid: 1_000 });
    expect(seq.submit(bid({ amount: 10 }))).toBe(first);
  });

  it('the same bidId with another body is DUPLICATE_BID, and changes nothing', () => {
    const seq = new Sequencer(new AuctionStory().state);
    seq.submit(bid());
    const state = seq.state;
    expect(seq.submit(bid({ amount: 3_000 }))).toEqual({
      status: 'rejected',
      bidId: 'k1',
      auctionId: 'a1',
      code: 'DUPLICATE_BID',
      message: 'Bid id k1 was already used for a different bid.',
    });
    expect(seq.submit(bid({ bidderId: 'bob' }))).toMatchObject({ code: 'DUPLICATE_BID' });
    expect(seq.state).toBe(state);
  });
});
