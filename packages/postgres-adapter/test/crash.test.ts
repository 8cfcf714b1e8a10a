import { type AuctionHouse, createAuctionHouse } from '@outcry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayAuction } from '../src/index.js';
import { createAuctions, drained, ledgerBidCounts } from './support/auction-fixtures.js';
import { startChild } from './support/child-process.js';
import { DATABASE_URL, migratedAdapters, noDatabase } from './support/database.js';

const PARTITIONS = 4;

describe.skipIf(noDatabase)('crash: a bidding process killed with SIGKILL mid-load', () => {
  let adapters: Awaited<ReturnType<typeof migratedAdapters>>;
  let house: AuctionHouse | null = null;
  beforeAll(async () => {
    adapters = await migratedAdapters({ partitions: PARTITIONS });
  });
  afterAll(async () => {
    await house?.stop();
    await adapters.dispose();
  });

  it('loses no bid it had answered accepted, doubles none, and the ledger replays to the state', async () => {
    const auctions = await createAuctions(adapters, 6);
    const child = startChild('bidder.ts', {
      DATABASE_URL,
      SCHEMA: adapters.schema,
      AUCTIONS: auctions.join(','),
      PARTITIONS: String(PARTITIONS),
      HOUSE_ID: 'crashing',
      BIDS: '0',
      CONCURRENCY: '32',
      LEASE_TTL_MS: '1000',
    });
    await child.waitForLine((line) => line === 'ready');
    // Let it get well into the load, then kill it without warning.
    const accepted = () => child.lines.filter((line) => line.startsWith('accepted '));
    const deadline = Date.now() + 30_000;
    while (accepted().length < 400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    child.process.kill('SIGKILL');
    expect(await child.exited).toBe('SIGKILL');
    const reported = accepted().map((line) => line.split(' ')[1] as string);
    expect(reported.length).toBeGreaterThanOrEqual(400);

    // Restart: a new house takes the partitions over once the dead one's leases expire, and
    // judges what the dead one left in the queue.
    house = createAuctionHouse({ backend: adapters, leaseTtlMs: 1_000 });
    await house.start();
    await drained(house, adapters);

    const counts = await ledgerBidCounts(adapters);
    const missing = reported.filter((bidId) => counts.get(bidId) !== 1);
    expect(missing, 'accepted bids not in the ledger exactly once').toEqual([]);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const outcomes = await adapters.store.getOutcomes(reported);
    expect(outcomes.every((o) => o?.outcome.status === 'accepted')).toBe(true);
    for (const id of auctions) {
      const [state] = await adapters.store.getMany([id]);
      expect(state?.bidCount).toBeGreaterThan(0);
      expect(await replayAuction(adapters.store, id)).toEqual(state);
    }
  });
});
