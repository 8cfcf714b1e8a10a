import { createAuctionHouse } from '@outcry/core';
import type { AuctionState } from '@outcry/core/engine';
import { createFakeClock, createReferenceModel, eventually } from '@outcry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayAuction } from '../src/index.js';
import { createAuctions, ledgerBidCounts } from './support/auction-fixtures.js';
import { startChild } from './support/child-process.js';
import { DATABASE_URL, migratedAdapters, noDatabase } from './support/database.js';

const PARTITIONS = 4;

describe.skipIf(noDatabase)('two processes bidding on the same auctions through one database', () => {
  let adapters: Awaited<ReturnType<typeof migratedAdapters>>;
  beforeAll(async () => {
    adapters = await migratedAdapters({ partitions: PARTITIONS });
  });
  afterAll(async () => {
    await adapters.dispose();
  });

  it('keeps one history per auction and closes each with one winner', async () => {
    const auctions = await createAuctions(adapters, 4, { endsInMs: 120_000 });
    const common = {
      DATABASE_URL,
      SCHEMA: adapters.schema,
      AUCTIONS: auctions.join(','),
      PARTITIONS: String(PARTITIONS),
      WAIT_FOR_GO: '1',
    };
    const children = [
      startChild('bidder.ts', { ...common, HOUSE_ID: 'left', BIDDER_PREFIX: 'left-', BIDS: '400', CONCURRENCY: '16' }),
      startChild('bidder.ts', {
        ...common,
        HOUSE_ID: 'right',
        BIDDER_PREFIX: 'right-',
        BIDS: '400',
        CONCURRENCY: '16',
      }),
    ];
    await Promise.all(children.map((child) => child.waitForLine((line) => line === 'ready', 30_000)));
    for (const child of children) child.send('go');
    await Promise.all(children.map((child) => child.waitForLine((line) => line === 'stopped', 60_000)));
    const lines = children.flatMap((child) => child.lines);
    const accepted = lines.filter((line) => line.startsWith('accepted ')).map((line) => line.split(' ')[1] as string);
    const answered = lines.filter((line) => /^(accepted|rejected) /.test(line)).length;
    const problems = lines.filter(
      (l) => l.startsWith('error') || (l.startsWith('rejected') && !l.endsWith('BID_TOO_LOW')),
    );
    expect(answered, `every bid answered; errors: ${problems.slice(0, 5)}`).toBe(800);
    for (const child of children) expect(child.lines.some((line) => line.startsWith('accepted '))).toBe(true);

    // Nobody owns the partitions now: a house here, whose clock is past the end, closes them.
    const closer = createAuctionHouse({
      backend: adapters,
      leaseTtlMs: 1_000,
      clock: createFakeClock(Date.now() + 180_000),
    });
    await closer.start();
    const states = await eventually(
      async () => {
        const all = await adapters.store.getMany(auctions);
        return all.every((s) => s?.status === 'closed') && all;
      },
      20_000,
      'every auction closed',
    );
    await closer.stop();

    const counts = await ledgerBidCounts(adapters);
    expect(accepted.filter((bidId) => counts.get(bidId) !== 1)).toEqual([]);
    let ledgerBids = 0;
    for (const state of states as AuctionState[]) {
      const ledger = await adapters.store.getLedger(state.spec.id, { afterSeq: 0, limit: 10_000 });
      // One history: seqs 1..n without a gap or a fork, ending at the stored state's seq.
      expect(ledger.map((e) => e.seq)).toEqual(Array.from({ length: state.seq }, (_, i) => i + 1));
      expect(await replayAuction(adapters.store, state.spec.id)).toEqual(state);
      // One winner: the one the naive reference model picks from the judged bids.
      const model = createReferenceModel(state.spec, state.spec.createdAt);
      for (const entry of ledger.slice(1)) {
        const { command } = entry;
        if (command.type === 'create') continue;
        model.apply(
          command.type === 'bid'
            ? {
                type: 'bid',
                bidId: command.bidId,
                bidderId: command.bidderId,
                amount: command.amount,
                receivedAt: command.receivedAt,
              }
            : command.type === 'buy-now'
              ? { type: 'buy-now', bidId: command.bidId, bidderId: command.bidderId, receivedAt: command.receivedAt }
              : { type: command.type, receivedAt: command.receivedAt },
        );
      }
      expect(state.result?.outcome).toBe('sold');
      expect(state.result?.winnerId).toBe(model.view().result?.winnerId);
      expect(state.result?.price).toBe(model.view().result?.price);
      ledgerBids += ledger.filter((e) => e.command.type === 'bid').length;
    }
    expect(ledgerBids).toBe(accepted.length);
  });
});
