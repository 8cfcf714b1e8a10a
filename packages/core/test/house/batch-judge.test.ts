import { describe, expect, it } from 'vitest';
import { buildAuctionSpec } from '../../src/engine/auction-spec.js';
import type { AuctionCommand } from '../../src/engine/types.js';
import { BatchJudge } from '../../src/house/batch-judge.js';
import type { SequencedCommand } from '../../src/house/sequenced-command.js';
import { createAuctionInputSchema } from '../../src/index.js';

const T0 = 1_700_000_000_000;
const spec = buildAuctionSpec(
  createAuctionInputSchema.parse({
    sellerId: 's',
    title: 'Lot',
    currency: 'USD',
    startingPrice: 100,
    endsAt: T0 + 60_000,
  }),
  'a1',
  T0,
);
const entry = (command: AuctionCommand, fresh = false): SequencedCommand => ({
  command,
  origin: 'h',
  commandId: 'id',
  id: '',
  ...(fresh ? { fresh } : {}),
});
const bid = (bidId: string, bidderId: string, amount: number, fresh = false) =>
  entry({ type: 'bid', auctionId: 'a1', bidId, bidderId, amount, receivedAt: T0 + 1_000 }, fresh);

describe('a BatchJudge', () => {
  it('judges a batch in memory and says what to commit, without touching a store', () => {
    const judge = new BatchJudge(100);
    expect(judge.missing([bid('b1', 'bob', 500)])).toEqual({ auctionIds: ['a1'], bidIds: ['b1'] });
    const judgement = judge.judge([
      entry({ type: 'create', spec, receivedAt: T0 }),
      bid('b1', 'bob', 500),
      bid('b2', 'carol', 700, true),
      bid('b1', 'bob', 500),
    ]);
    expect(judgement.changed.map((state) => state.seq)).toEqual([3]);
    expect(judgement.ledger.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(judgement.outcomes.map((o) => o.bidId)).toEqual(['b1', 'b2']);
    expect([...judgement.freshBidIds]).toEqual(['b2']);
    // The repeated bidId is answered from the first outcome, not judged again.
    expect(judgement.answers.map((a) => a.outcome.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    expect(judge.stateOf('a1')?.leaderId).toBe('carol');
  });

  it('goes back to what the store holds when a commit fails, and looks every bidId up until one lands', () => {
    const judge = new BatchJudge(100);
    judge.judge([entry({ type: 'create', spec, receivedAt: T0 })]);
    const committed = judge.stateOf('a1');
    const failed = judge.judge([bid('b1', 'bob', 500)]);
    judge.rollBack(failed);
    expect(judge.stateOf('a1')).toBe(committed);
    judge.forget([bid('b1', 'bob', 500)]);
    expect(judge.missing([bid('b9', 'ann', 600, true)])).toEqual({ auctionIds: ['a1'], bidIds: ['b9'] });
    judge.landed();
    judge.absorb([committed ?? null], []);
    expect(judge.missing([bid('b9', 'ann', 600, true)])).toEqual({ auctionIds: [], bidIds: [] });
  });

  it('lets an ended auction leave memory once committed, and names the deadlines a batch moved', () => {
    const judge = new BatchJudge(100);
    const created = judge.judge([entry({ type: 'create', spec, receivedAt: T0 })]);
    expect(judge.committed(created)).toEqual([{ auctionId: 'a1', at: T0 + 60_000 }]);
    const cancelled = judge.judge([
      entry({ type: 'cancel', auctionId: 'a1', by: 's', reason: null, receivedAt: T0 + 1 }),
    ]);
    expect(judge.committed(cancelled)).toEqual([]);
    expect(judge.stateOf('a1')).toBeUndefined();
  });
});
