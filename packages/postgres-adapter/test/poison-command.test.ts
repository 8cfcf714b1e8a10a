import {
  type AuctionHouse,
  type BidOutcome,
  composeBackend,
  createAuctionHouse,
  createMemoryBackend,
  type HealthEvent,
} from '@outcry/core';
import { MemoryBidQueue, partitionOf } from '@outcry/core/adapter-kit';
import { clientHouse, eventually, poisonBid, routedOutcomes } from '@outcry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresAdapters, type PostgresAdapters } from '../src/index.js';
import { createAuctions } from './support/auction-fixtures.js';
import { DATABASE_URL, migratedAdapters, noDatabase } from './support/database.js';

const PARTITIONS = 4;

describe.skipIf(noDatabase)('a command whose content PostgreSQL refuses (PostgreSQL store)', () => {
  let adapters: Awaited<ReturnType<typeof migratedAdapters>>;
  let second: PostgresAdapters;
  const houses: AuctionHouse[] = [];
  beforeAll(async () => {
    adapters = await migratedAdapters({ partitions: PARTITIONS });
    second = createPostgresAdapters({
      connectionString: DATABASE_URL,
      schema: adapters.schema,
      partitions: PARTITIONS,
    });
  });
  afterAll(async () => {
    for (const house of houses) await house.stop();
    await second.close();
    await adapters.dispose();
  });

  it('is rejected alone and once, the bids around it commit in order, and it never comes back', async () => {
    const [auctionId] = (await createAuctions(adapters, 1)) as [string];
    const partition = partitionOf(auctionId, PARTITIONS);
    // The queue of every process; the owner reads it, the client only writes to it.
    const queue = new MemoryBidQueue();
    const queueOf = createMemoryBackend({ queue });
    const owner = () => {
      const house = createAuctionHouse({
        backend: composeBackend({
          store: adapters,
          queue: queueOf,
          lock: adapters,
          broadcaster: adapters,
          cache: adapters,
        }),
        partitions: PARTITIONS,
        leaseTtlMs: 2_000,
      });
      houses.push(house);
      return house;
    };
    const client = await clientHouse({
      backend: composeBackend({ store: second, queue: queueOf, lock: second, broadcaster: second, cache: second }),
      partitions: PARTITIONS,
      answerTimeoutMs: 10_000,
    });
    houses.push(client);
    const heard = await routedOutcomes(second.broadcaster, client.houseId);

    // Twenty bids queued around the poison while no house owns the partition: the owner reads
    // them in one batch. The poison bids far above the others, so a bid judged on a state that
    // still holds it would be BID_TOO_LOW.
    const bid = (i: number) =>
      client.placeBid({ auctionId, bidderId: `b${i}`, amount: 2_000 + 100 * i, bidId: `ok-${i}` });
    const first = Array.from({ length: 10 }, (_, i) => bid(i));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await queue.enqueue(partition, [poisonBid(auctionId, 'poison-1', client.houseId)]);
    const rest = Array.from({ length: 10 }, (_, i) => bid(10 + i));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await queue.depth(partition)).toBe(21);

    const house = owner();
    const events: HealthEvent[] = [];
    house.onHealth((event) => events.push(event));
    await house.start();
    const outcomes: BidOutcome[] = await Promise.all([...first, ...rest]);

    expect(outcomes.map((o) => o.status)).toEqual(Array(20).fill('accepted'));
    const seqs = outcomes.map((o) => (o.status === 'accepted' ? o.seq : 0));
    expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
    expect(outcomes.at(-1)).toMatchObject({ leaderId: 'b19', leading: true });
    const ledger = await adapters.store.getLedger(auctionId, { afterSeq: 0, limit: 100 });
    expect(ledger.map((entry) => entry.seq)).toEqual(ledger.map((_, i) => i + 1));
    const bidIds = ledger.flatMap((entry) => (entry.command.type === 'bid' ? [entry.command.bidId] : []));
    expect(bidIds).toEqual(Array.from({ length: 20 }, (_, i) => `ok-${i}`));

    // The poison: its caller hears STORE_REJECTED once; nothing of it is stored; it left the queue.
    await eventually(
      () => heard.outcomes.some((routed) => routed.commandId === 'poison-1'),
      5_000,
      'the routed rejection of the poison',
    );
    const rejections = heard.outcomes.filter((routed) => routed.commandId === 'poison-1');
    expect(rejections).toHaveLength(1);
    expect(rejections[0]?.outcome).toMatchObject({ status: 'rejected', code: 'STORE_REJECTED', bidId: 'poison-1' });
    expect(await adapters.store.getOutcomes(['poison-1'])).toEqual([null]);
    expect(house.metrics().sequencer.refusedCommands).toBe(1);
    expect(events.filter((event) => event.type === 'refused')).toMatchObject([
      { partition, command: 'bid', auctionId },
    ]);
    expect(house.health()).toMatchObject({ ready: true, commits: { refusedCommands: 1, consecutiveFailures: 0 } });
    await eventually(async () => (await queue.depth(partition)) === 0, 5_000, 'an empty queue');

    // A repeated bidId still answers its first outcome.
    expect(await bid(5)).toEqual(outcomes[5]);

    // After a restart the poison does not come back; the partition keeps judging.
    await house.stop();
    const next = owner();
    await next.start();
    const later = await client.placeBid({ auctionId, bidderId: 'late', amount: 10_000, bidId: 'after-restart' });
    expect(later).toMatchObject({ status: 'accepted', leaderId: 'late' });
    expect(next.metrics().sequencer.refusedCommands).toBe(0);
    expect(next.metrics().sequencer.commitErrors).toBe(0);
    expect(await queue.depth(partition)).toBe(0);
    expect(heard.outcomes.filter((routed) => routed.commandId === 'poison-1')).toHaveLength(1);
    await heard.off();
  });
});
