import { type AuctionHouse, type Backend, createAuctionHouse, createMemoryBackend } from '@outcry/core';
import {
  type DirectCommands,
  MemoryAuctionStore,
  MemoryBidQueue,
  MemoryBroadcaster,
  MemoryDirectCommands,
  MemoryLock,
  partitionOf,
  type QueueItem,
} from '@outcry/core/adapter-kit';
import { eventually } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandRouter } from '../../src/house/command-router.js';
import type { HealthMonitor } from '../../src/house/health-monitor.js';
import { PendingAnswers } from '../../src/house/pending-answers.js';

const PARTITIONS = 4;
const LEASE_TTL_MS = 300;

interface SharedPorts {
  readonly store: MemoryAuctionStore;
  readonly queue: MemoryBidQueue;
  readonly lock: MemoryLock;
  readonly broadcaster: MemoryBroadcaster;
  readonly direct: DirectCommands;
}

function sharedPorts(direct: DirectCommands = new MemoryDirectCommands()): SharedPorts {
  return {
    store: new MemoryAuctionStore(),
    queue: new MemoryBidQueue(),
    lock: new MemoryLock(),
    broadcaster: new MemoryBroadcaster(),
    direct,
  };
}

/**
 * A memory backend handing bids over directly. `queueInProcess: false` makes the houses wait on
 * their callers' commands by id, as houses of different processes do.
 */
function backendOn({ direct, ...ports }: SharedPorts, queueInProcess = true): Backend {
  const backend = createMemoryBackend(ports);
  const capabilities = { ...backend.capabilities, directCommands: true, queueInProcess };
  return { ...backend, capabilities, directCommands: direct };
}

const houses: AuctionHouse[] = [];
afterEach(async () => {
  await Promise.all(houses.splice(0).map((house) => house.stop()));
});

/** Two houses on the ports, each owning half the partitions. */
async function twoHouses(ports: SharedPorts, queueInProcess = true): Promise<[AuctionHouse, AuctionHouse]> {
  const start = async () => {
    const backend = backendOn(ports, queueInProcess);
    const house = createAuctionHouse({ backend, partitions: PARTITIONS, leaseTtlMs: LEASE_TTL_MS });
    houses.push(house);
    await house.start();
    return house;
  };
  const pair: [AuctionHouse, AuctionHouse] = [await start(), await start()];
  await eventually(() => pair.every((house) => house.metrics().partitions.owned.length === PARTITIONS / 2), 5_000);
  // Each owner receives once its sequencer has started: an empty send tells.
  const partitions = Array.from({ length: PARTITIONS }, (_, p) => p);
  await eventually(
    async () => (await Promise.all(partitions.map((p) => ports.direct.send(p, [])))).every(Boolean),
    5_000,
  );
  return pair;
}

/** Auctions until every partition has one. */
async function auctionsOnEveryPartition(house: AuctionHouse): Promise<string[]> {
  const ids: string[] = [];
  const covered = new Set<number>();
  while (covered.size < PARTITIONS) {
    const { id } = await house.createAuction({
      sellerId: 's',
      title: 'Lot',
      currency: 'USD',
      startingPrice: 100,
      endsAt: Date.now() + 60_000,
    });
    ids.push(id);
    covered.add(partitionOf(id, PARTITIONS));
  }
  return ids;
}

async function acceptedOnce(store: MemoryAuctionStore, auctionIds: readonly string[], accepted: readonly string[]) {
  const inLedgers: string[] = [];
  for (const auctionId of auctionIds) {
    for (const entry of await store.getBids(auctionId, { afterSeq: 0, limit: 1_000 })) {
      if (entry.command.type === 'bid') inLedgers.push(entry.command.bidId);
    }
  }
  expect(inLedgers.sort()).toEqual([...accepted].sort());
}

describe('bids handed to the owner of their partition directly', () => {
  it.each([
    ['waiting on their commands by id, as processes do', false],
    ['in one process, their waiters riding on the bids', true],
  ])(
    'reach the other house’s sequencer without the queue (%s), and each accepted bid is in its ledger once',
    async (_, queueInProcess) => {
      const ports = sharedPorts();
      const [first, second] = await twoHouses(ports, queueInProcess);
      const auctionIds = await auctionsOnEveryPartition(first);
      const before = [first.metrics().queue, second.metrics().queue];
      // Each house bids on every auction, so each has bids for the other's partitions.
      const outcomes = await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          (i % 2 === 0 ? first : second).placeBid({
            auctionId: auctionIds[Math.floor(i / 2) % auctionIds.length] as string,
            bidderId: `b${i % 3}`,
            amount: 200 + i * 10,
          }),
        ),
      );
      const accepted = outcomes.filter((outcome) => outcome.status === 'accepted').map((outcome) => outcome.bidId);
      expect(accepted.length).toBeGreaterThan(auctionIds.length);
      const after = [first.metrics().queue, second.metrics().queue];
      for (const [i, queue] of after.entries()) {
        const earlier = before[i] as typeof queue;
        expect(queue.direct - earlier.direct).toBeGreaterThan(0);
        expect(queue.queued - earlier.queued).toBe(0);
      }
      await acceptedOnce(ports.store, auctionIds, accepted);
    },
  );

  it('queues the bids an owner heard and never answered (it died with them), and they are judged once', async () => {
    // Every send is heard, and nothing arrives: as an owner that died once it had read them.
    const swallowing: DirectCommands = {
      send: async () => true,
      receive: async () => async () => undefined,
    };
    const ports = sharedPorts(swallowing);
    const [first, second] = await twoHouses(ports, false);
    const auctionIds = await auctionsOnEveryPartition(first);
    const foreign = auctionIds.filter((id) => !first.metrics().partitions.owned.includes(partitionOf(id, PARTITIONS)));
    const outcomes = await Promise.all(
      foreign.map((auctionId, i) => first.placeBid({ auctionId, bidderId: `b${i}`, amount: 500 })),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(foreign.map(() => 'accepted'));
    expect(first.metrics().queue.direct).toBe(foreign.length);
    expect(first.metrics().queue.queued).toBeGreaterThanOrEqual(foreign.length);
    expect(second.metrics().queue.direct).toBe(0);
    await acceptedOnce(
      ports.store,
      auctionIds,
      outcomes.map((outcome) => outcome.bidId),
    );
  });

  it('sends a turn’s commands of a partition through the queue when they are not all bids: a bid follows its auction’s create', async () => {
    const ports = sharedPorts();
    const [first] = await twoHouses(ports);
    const owned = first.metrics().partitions.owned;
    // An auction id of a partition the other house owns, created and bid on in one turn.
    let id = '';
    for (let i = 0; owned.includes(partitionOf(id, PARTITIONS)) || id === ''; i++) id = `lot-${i}`;
    const created = first.createAuction({
      id,
      sellerId: 's',
      title: 'Lot',
      currency: 'USD',
      startingPrice: 100,
      endsAt: Date.now() + 60_000,
    });
    const bid = first.placeBid({ auctionId: id, bidderId: 'bob', amount: 150 });
    await created;
    expect((await bid).status).toBe('accepted');
    expect(first.metrics().queue.direct).toBe(0);
  });

  it('queues, no longer fresh, what is handed over to a partition whose sequencer has stopped', async () => {
    const queue = new MemoryBidQueue();
    const router = new CommandRouter({
      houseId: 'this-house',
      partitions: PARTITIONS,
      answerTimeoutMs: 1_000,
      queueLocalCommands: false,
      landing: null,
      queue,
      store: new MemoryAuctionStore(),
      queueInProcess: true,
      pending: new PendingAnswers(),
      // Only a queue that answers is asked about here.
      health: { recovered: () => undefined } as unknown as HealthMonitor,
      sequencerOf: () => undefined,
      direct: undefined,
      resendAfterMs: 1_000,
    });
    const item: QueueItem = {
      command: { type: 'bid', auctionId: 'a', bidderId: 'b', amount: 100, bidId: 'x', receivedAt: 0 },
      origin: 'other-house',
      commandId: 'x',
      fresh: true,
    };
    router.takeHandedOver(2, [item]);
    const queued = await eventually(async () => {
      const entries = await queue.read(2, 'next-owner', { max: 10, blockMs: 0 });
      return entries.length > 0 ? entries : null;
    }, 1_000);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ command: item.command, origin: 'other-house', commandId: 'x' });
    expect(queued[0]?.fresh).toBeUndefined();
  });
});
