import { type AuctionHouse, createAuctionHouse } from '@outcry/core';
import { eventually } from '@outcry/core/testing';
import type { PostgresAdapters } from '../../src/index.js';

/** Creates `count` open auctions through a short-lived house, which then gives its leases back. */
export async function createAuctions(
  adapters: PostgresAdapters,
  count: number,
  options: { endsInMs?: number; partitions?: number } = {},
): Promise<string[]> {
  const house = createAuctionHouse({ backend: adapters, leaseTtlMs: 1_000 });
  await house.start();
  try {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const auction = await house.createAuction({
        sellerId: 'seller',
        title: `Lot ${i}`,
        currency: 'USD',
        startingPrice: 1_000,
        increment: { type: 'fixed', amount: 1 },
        startsAt: Date.now(),
        endsAt: Date.now() + (options.endsInMs ?? 3_600_000),
      });
      ids.push(auction.id);
    }
    return ids;
  } finally {
    await house.stop();
  }
}

/** Waits until `house` owns every partition and every queue is empty: the takeover is complete. */
export async function drained(house: AuctionHouse, adapters: PostgresAdapters, ms = 20_000): Promise<void> {
  await eventually(
    async () => {
      if (house.metrics().partitions.owned.length !== house.partitions) return false;
      let depth = 0;
      for (let p = 0; p < house.partitions; p++) depth += await adapters.queue.depth(p);
      return depth === 0;
    },
    ms,
    'the takeover of every partition and an empty queue',
  );
}

/** Every ledger bid entry of these auctions: bidId → how many entries. */
export async function ledgerBidCounts(adapters: PostgresAdapters): Promise<Map<string, number>> {
  const { rows } = await adapters.pool.query<{ bid_id: string; n: number }>(
    `select bid_id, count(*)::int as n from "${adapters.schema}".ledger where bid_id is not null group by bid_id`,
  );
  return new Map(rows.map((row) => [row.bid_id, row.n]));
}
