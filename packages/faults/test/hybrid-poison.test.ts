// The hybrid composition (PostgreSQL store, Redis queue, lock, broadcaster and cache): a command
// that PostgreSQL refuses sits in the Redis queue, which outlives every process.
import { type AuctionHouse, composeBackend, createAuctionHouse, type HealthEvent } from '@outcry/core';
import { partitionOf } from '@outcry/core/adapter-kit';
import { clientHouse, eventually, poisonCreate, routedOutcomes } from '@outcry/core/testing';
import type { PostgresAdapters } from '@outcry/postgres-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HybridInstance, type HybridProcess, hybridInstance } from './support/hybrid-stack.js';
import { noSharedServices } from './support/shared-services.js';

const PARTITIONS = 4;

describe.skipIf(noSharedServices)('a command whose content PostgreSQL refuses (hybrid: Redis queue)', () => {
  let instance: HybridInstance;
  let postgres: PostgresAdapters;
  const processes: HybridProcess[] = [];
  const houses: AuctionHouse[] = [];
  const connect = () => {
    const process = instance.connect();
    processes.push(process);
    return process;
  };
  const redisAdapters = () => connect().redis;
  /** One process owning partitions: its own Redis connections and PostgreSQL pool. */
  const owner = () => {
    const house = createAuctionHouse({ backend: connect().backend, leaseTtlMs: 2_000 });
    houses.push(house);
    return house;
  };
  beforeAll(async () => {
    instance = await hybridInstance(PARTITIONS);
    postgres = connect().postgres;
  });
  afterAll(async () => {
    for (const house of houses) await house.stop();
    for (const process of processes) await process.close();
    await instance.close();
  });

  it('is rejected alone and acknowledged off the Redis queue: bids of its partition commit, and a restart never sees it again', async () => {
    const creator = owner();
    await creator.start();
    const auction = await creator.createAuction({
      sellerId: 'seller',
      title: 'Hybrid lot',
      currency: 'USD',
      startingPrice: 1_000,
      increment: { type: 'fixed', amount: 1 },
      endsAt: Date.now() + 3_600_000,
    });
    await creator.stop();
    const partition = partitionOf(auction.id, PARTITIONS);
    const clientPorts = redisAdapters();
    const client = await clientHouse({
      backend: composeBackend({
        store: postgres,
        queue: clientPorts,
        lock: clientPorts,
        broadcaster: clientPorts,
        cache: clientPorts,
      }),
      partitions: PARTITIONS,
      answerTimeoutMs: 10_000,
    });
    houses.push(client);
    const heard = await routedOutcomes(clientPorts.broadcaster, client.houseId);

    // The repro: a create whose title PostgreSQL cannot keep, then bids on an auction of the
    // same partition, queued while no house owns it.
    const poison = poisonCreate(partition, PARTITIONS, client.houseId);
    await clientPorts.queue.enqueue(partition, [poison]);
    const bids = Array.from({ length: 12 }, (_, i) =>
      client.placeBid({ auctionId: auction.id, bidderId: `b${i}`, amount: 2_000 + 100 * i, bidId: `hp-${i}` }),
    );
    await eventually(async () => (await clientPorts.queue.depth(partition)) === 13, 5_000, 'the queued commands');

    const house = owner();
    const events: HealthEvent[] = [];
    house.onHealth((event) => events.push(event));
    await house.start();
    const outcomes = await Promise.all(bids);
    expect(outcomes.map((o) => o.status)).toEqual(Array(12).fill('accepted'));
    expect(outcomes.at(-1)).toMatchObject({ leaderId: 'b11' });
    const ledger = await postgres.store.getLedger(auction.id, { afterSeq: 0, limit: 100 });
    expect(ledger.map((entry) => entry.seq)).toEqual(ledger.map((_, i) => i + 1));

    const rejected = await eventually(
      () => {
        const routed = heard.outcomes.filter((outcome) => outcome.commandId === poison.commandId);
        return routed.length > 0 && routed;
      },
      5_000,
      'the routed rejection of the poison',
    );
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.outcome).toMatchObject({ status: 'rejected', code: 'STORE_REJECTED' });
    const poisonId = poison.command.type === 'create' ? poison.command.spec.id : '';
    expect(await postgres.store.getMany([poisonId])).toEqual([null]);
    expect(events.filter((event) => event.type === 'refused')).toMatchObject([{ command: 'create', partition }]);
    await eventually(async () => (await clientPorts.queue.depth(partition)) === 0, 5_000, 'an empty queue');

    // A process that takes over after a restart claims what was left unacknowledged: not the poison.
    await house.stop();
    const next = owner();
    await next.start();
    const later = await client.placeBid({ auctionId: auction.id, bidderId: 'late', amount: 9_000, bidId: 'hp-late' });
    expect(later).toMatchObject({ status: 'accepted', leaderId: 'late' });
    expect(next.metrics().sequencer).toMatchObject({ refusedCommands: 0, commitErrors: 0 });
    expect(await clientPorts.queue.depth(partition)).toBe(0);
    expect(heard.outcomes.filter((routed) => routed.commandId === poison.commandId)).toHaveLength(1);
    await heard.off();
  });
});
