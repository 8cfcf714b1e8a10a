import { type AuctionHouse, type BidOutcome, createAuctionHouse, type LedgerEntry } from '@outcry/core';
import { replayCommands, toPublicAuction } from '@outcry/core/engine';
import { createFakeClock, eventually } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';

let house: AuctionHouse;
afterEach(async () => {
  await house?.stop();
});

async function fullLedger(auctionId: string): Promise<LedgerEntry[]> {
  const all: LedgerEntry[] = [];
  for (;;) {
    const page = await house.getLedger(auctionId, { afterSeq: all.at(-1)?.seq ?? 0, limit: 1_000 });
    all.push(...page);
    if (page.length < 1_000) return all;
  }
}

/** The history of one auction is one ordered, gap-free, replayable sequence. */
async function checkHistory(auctionId: string, outcomes: readonly BidOutcome[]): Promise<void> {
  const ledger = await fullLedger(auctionId);
  expect(ledger.map((e) => e.seq)).toEqual(ledger.map((_, i) => i + 1));
  for (let i = 1; i < ledger.length; i++) {
    expect((ledger[i] as LedgerEntry).price).toBeGreaterThanOrEqual((ledger[i - 1] as LedgerEntry).price);
  }
  const bySeq = new Map(ledger.map((e) => [e.seq, e]));
  for (const outcome of outcomes) {
    if (outcome.status !== 'accepted') continue;
    const entry = bySeq.get(outcome.seq);
    expect(entry?.command).toMatchObject({ type: 'bid', bidId: outcome.bidId });
    expect(entry?.price).toBe(outcome.price);
  }
  const replayed = replayCommands(ledger.map((e) => e.command));
  expect(replayed).not.toBeNull();
  const view = await house.getAuction(auctionId);
  expect(view).toEqual(toPublicAuction(replayed as NonNullable<typeof replayed>));
}

describe('10,000 concurrent placeBid calls', () => {
  it('on one auction: one ordered history, monotonic prices, one winner, replayable', async () => {
    const clock = createFakeClock();
    house = createAuctionHouse({ clock });
    await house.start();
    const a = await house.createAuction({
      sellerId: 'seller',
      title: 'Hot lot',
      currency: 'USD',
      startingPrice: 100,
      endsAt: clock.now() + 60_000,
    });
    const calls = Array.from({ length: 10_000 }, (_, i) =>
      house.placeBid({ auctionId: a.id, bidderId: `bidder-${i % 97}`, amount: 100 + ((i * 7919) % 500_000) }),
    );
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => o.status === 'accepted').length).toBeGreaterThan(10);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.code).toBe('BID_TOO_LOW');
    clock.advance(60_000);
    const closed = await eventually(async () => {
      const view = await house.getAuction(a.id);
      return view?.status === 'closed' ? view : undefined;
    });
    await checkHistory(a.id, outcomes);
    const maxima = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const o = outcomes[i] as BidOutcome;
      if (o.status === 'accepted') maxima.set(`bidder-${i % 97}`, 100 + ((i * 7919) % 500_000));
    }
    const best = Math.max(...maxima.values());
    expect(closed.result?.outcome).toBe('sold');
    expect(maxima.get(closed.result?.winnerId ?? '')).toBe(best);
  });

  it('across 1,000 auctions: every auction keeps its own ordered history', async () => {
    house = createAuctionHouse();
    await house.start();
    const ids = await Promise.all(
      Array.from({ length: 1_000 }, async (_, i) => {
        const a = await house.createAuction({
          id: `lot-${i}`,
          sellerId: 'seller',
          title: `Lot ${i}`,
          currency: 'EUR',
          startingPrice: 50,
          endsAt: Date.now() + 600_000,
          increment: { type: 'fixed', amount: 10 },
        });
        return a.id;
      }),
    );
    const calls = Array.from({ length: 10_000 }, (_, i) => {
      const auctionId = ids[i % ids.length] as string;
      return house.placeBid({ auctionId, bidderId: `b${(i * 31) % 13}`, amount: 50 + ((i * 104_729) % 10_000) });
    });
    const outcomes = await Promise.all(calls);
    const byAuction = new Map<string, BidOutcome[]>();
    for (const o of outcomes) byAuction.set(o.auctionId, [...(byAuction.get(o.auctionId) ?? []), o]);
    expect(byAuction.size).toBe(1_000);
    for (const id of ids.slice(0, 200)) await checkHistory(id, byAuction.get(id) ?? []);
    const views = await house.getAuctions(ids);
    const totalBids = views.reduce((n, v) => n + (v?.bidCount ?? 0), 0);
    expect(totalBids).toBe(outcomes.filter((o) => o.status === 'accepted').length);
  });
});
