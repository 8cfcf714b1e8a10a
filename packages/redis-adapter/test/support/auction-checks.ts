import {
  type AuctionState,
  type AuctionStore,
  createAuctionHouse,
  type LedgerEntry,
  replayCommands,
} from '@outcry/core';
import { expect } from 'vitest';
import { createRedisAdapters } from '../../src/create-redis-adapters.js';
import type { RedisClient } from '../../src/redis-client.js';

/** Creates `count` open auctions through a short-lived house, which then lets its partitions go. */
export async function createAuctions(
  redis: RedisClient,
  prefix: string,
  partitions: number,
  count: number,
  endsInMs: number,
): Promise<string[]> {
  const adapters = createRedisAdapters({ redis, prefix, partitions });
  const house = createAuctionHouse({ backend: adapters, partitions });
  await house.start();
  const now = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const auction = await house.createAuction({
      sellerId: 'seller',
      title: `Lot ${i}`,
      currency: 'USD',
      startingPrice: 1_000,
      increment: { type: 'fixed', amount: 1 },
      startsAt: now,
      endsAt: now + endsInMs,
    });
    ids.push(auction.id);
  }
  await house.stop();
  await adapters.close();
  return ids;
}

async function wholeLedger(store: AuctionStore, auctionId: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (;;) {
    const page = await store.getLedger(auctionId, { afterSeq: entries.length, limit: 1_000 });
    entries.push(...page);
    if (page.length < 1_000) return entries;
  }
}

/**
 * The invariants of a run with several writers: per auction one history (seqs 1..n, no gap),
 * the stored state is the replay of its ledger, no bidId twice, a closed auction's winner is
 * the highest (earliest on a tie) bid of the ledger, and every bid answered accepted is there.
 * Answers the number of ledger bids.
 */
export async function checkAuctions(
  store: AuctionStore,
  auctionIds: readonly string[],
  acceptedBidIds: readonly string[],
  expectClosed: boolean,
): Promise<number> {
  const inLedger = new Set<string>();
  const states = await store.getMany(auctionIds);
  for (const [i, auctionId] of auctionIds.entries()) {
    const state = states[i] as AuctionState;
    expect(state, auctionId).not.toBeNull();
    const ledger = await wholeLedger(store, auctionId);
    expect(ledger.map((entry) => entry.seq)).toEqual(Array.from({ length: ledger.length }, (_, k) => k + 1));
    expect(replayCommands(ledger.map((entry) => entry.command))).toEqual(state);
    let best: { bidderId: string; amount: number } | null = null;
    for (const { command } of ledger) {
      if (command.type !== 'bid') continue;
      expect(inLedger.has(command.bidId), `bidId ${command.bidId} twice in the ledgers`).toBe(false);
      inLedger.add(command.bidId);
      if (best === null || command.amount > best.amount) best = { bidderId: command.bidderId, amount: command.amount };
    }
    if (expectClosed) {
      expect(state.status).toBe('closed');
      expect(state.result?.winnerId ?? null).toBe(best?.bidderId ?? null);
    }
    expect(state.leaderId).toBe(best?.bidderId ?? null);
  }
  const missing = acceptedBidIds.filter((bidId) => !inLedger.has(bidId));
  expect(missing, 'bids answered accepted but not in the ledger').toEqual([]);
  return inLedger.size;
}
