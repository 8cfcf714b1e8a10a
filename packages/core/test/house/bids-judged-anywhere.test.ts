import { type AuctionHouse, createAuctionHouse, createMemoryBackend } from '@outcry/core';
import {
  MemoryAuctionStore,
  MemoryBidQueue,
  MemoryBroadcaster,
  MemoryLock,
  partitionOf,
} from '@outcry/core/adapter-kit';
import type { AuctionState } from '@outcry/core/engine';
import { eventually } from '@outcry/core/testing';
import { describe, expect, it } from 'vitest';

/** The store with one of its methods replaced, the others bound to it. */
function storeWith<K extends keyof MemoryAuctionStore>(
  store: MemoryAuctionStore,
  name: K,
  method: MemoryAuctionStore[K],
): MemoryAuctionStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === name) return method;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The store, whose reads of auctions wait for `held` once it is set (after reading). */
function storeWithHeldRead(store: MemoryAuctionStore) {
  const gate: { held: Promise<void> | null } = { held: null };
  const getMany = async (ids: readonly string[]): Promise<(AuctionState | null)[]> => {
    const states = await store.getMany(ids);
    const { held } = gate;
    gate.held = null;
    if (held !== null) await held;
    return states;
  };
  return { view: storeWith(store, 'getMany', getMany), gate };
}

/** An owner of every partition and a guest owning none, on one store; `held`: whose store reads wait. */
async function withTwoHouses(
  setup: { readonly partitions: number; readonly held?: 'owner' | 'guest' },
  body: (houses: { owner: AuctionHouse; guest: AuctionHouse; gate: { held: Promise<void> | null } }) => Promise<void>,
): Promise<void> {
  const store = new MemoryAuctionStore();
  const { view, gate } = storeWithHeldRead(store);
  const ports = { queue: new MemoryBidQueue(), lock: new MemoryLock(), broadcaster: new MemoryBroadcaster() };
  const house = (held: boolean) =>
    createAuctionHouse({
      backend: createMemoryBackend({ ...ports, store: held ? view : store }),
      partitions: setup.partitions,
      bidJudging: 'anywhere',
    });
  const owner = house(setup.held === 'owner');
  await owner.start();
  const guest = house(setup.held === 'guest');
  await guest.start();
  try {
    await body({ owner, guest, gate });
  } finally {
    await guest.stop();
    await owner.stop();
  }
}

describe("bidJudging: 'anywhere'", () => {
  it('judges again a bid whose auction another house moved on between the read and the commit', async () => {
    await withTwoHouses({ partitions: 2, held: 'guest' }, async ({ owner, guest, gate }) => {
      expect(owner.metrics().partitions.owned).toEqual([0, 1]);
      const auction = await owner.createAuction({
        sellerId: 's',
        title: 'Lot',
        currency: 'USD',
        startingPrice: 100,
        increment: { type: 'fixed', amount: 10 },
        endsAt: Date.now() + 60_000,
      });
      let release: () => void = () => undefined;
      gate.held = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The guest reads the auction with no bid on it, then waits while the owner's bid commits.
      const late = guest.placeBid({ auctionId: auction.id, bidderId: 'guest', amount: 150 });
      await eventually(() => gate.held === null, 5_000, 'the guest read the auction');
      const first = await owner.placeBid({ auctionId: auction.id, bidderId: 'owner', amount: 200 });
      expect(first.status).toBe('accepted');
      release();
      // Judged on what it read, 150 would lead at 100 as seq 2; judged again on what the store
      // holds, it comes after the owner's bid, whose proxy (up to 200) outbids it at 160.
      const outcome = await late;
      expect(outcome).toMatchObject({ status: 'accepted', seq: 3, price: 160, leaderId: 'owner', leading: false });
      expect(guest.metrics().sequencer.conflicts).toBe(1);
      expect(owner.metrics().sequencer.conflicts).toBe(0);
      const ledger = await owner.getLedger(auction.id);
      expect(ledger.map((entry) => entry.command.type)).toEqual(['create', 'bid', 'bid']);
      expect((await guest.getAuction(auction.id))?.leaderId).toBe('owner');
    });
  });

  it('has the owner judge its cancel again when a bid judged in another house committed first, and keep the partition', async () => {
    await withTwoHouses({ partitions: 2, held: 'owner' }, async ({ owner, guest, gate }) => {
      const auction = await owner.createAuction({
        sellerId: 'seller',
        title: 'Lot',
        currency: 'USD',
        startingPrice: 100,
        endsAt: Date.now() + 60_000,
      });
      let release: () => void = () => undefined;
      gate.held = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The owner reads the auction to judge the cancel, then waits while the guest's bid commits.
      const cancelled = owner.cancelAuction(auction.id, { by: 'seller', reason: 'withdrawn' });
      await eventually(() => gate.held === null, 5_000, 'the owner read the auction');
      expect((await guest.placeBid({ auctionId: auction.id, bidderId: 'guest', amount: 150 })).status).toBe('accepted');
      release();
      expect((await cancelled).status).toBe('cancelled');
      const ledger = await owner.getLedger(auction.id);
      expect(ledger.map((entry) => [entry.seq, entry.command.type])).toEqual([
        [1, 'create'],
        [2, 'bid'],
        [3, 'cancel'],
      ]);
      expect(owner.metrics().partitions.owned).toEqual([0, 1]);
      expect(owner.metrics().sequencer.commitErrors).toBe(0);
    });
  });

  it('takes the bids of callers a batch answered into the next batch with those that waited', async () => {
    await withTwoHouses({ partitions: 1, held: 'guest' }, async ({ owner, guest, gate }) => {
      const lot = (title: string) =>
        owner.createAuction({
          sellerId: 's',
          title,
          currency: 'USD',
          startingPrice: 100,
          increment: { type: 'fixed', amount: 10 },
          endsAt: Date.now() + 60_000,
        });
      const [first, second] = [await lot('First'), await lot('Second')];
      let release: () => void = () => undefined;
      gate.held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const before = guest.metrics().sequencer;
      // The first caller's batch reads and waits; the second caller bids meanwhile; the first
      // bids again as soon as it is answered.
      const firstCaller = guest
        .placeBid({ auctionId: first.id, bidderId: 'a', amount: 150 })
        .then(() => guest.placeBid({ auctionId: first.id, bidderId: 'a', amount: 300 }));
      await eventually(() => gate.held === null, 5_000, 'the guest read the first auction');
      const secondCaller = guest.placeBid({ auctionId: second.id, bidderId: 'b', amount: 150 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      release();
      await Promise.all([firstCaller, secondCaller]);
      const after = guest.metrics().sequencer;
      expect(after.commands - before.commands).toBe(3);
      // The first bid alone, then the second with the first caller's next.
      expect(after.batches - before.batches).toBe(2);
    });
  });

  it('judges again on a state read now a bid it would refuse on a state it held', async () => {
    await withTwoHouses({ partitions: 2 }, async ({ owner, guest }) => {
      const start = Date.now();
      const auction = await owner.createAuction({
        sellerId: 's',
        title: 'Lot',
        currency: 'USD',
        startingPrice: 100,
        increment: { type: 'fixed', amount: 10 },
        endsAt: start + 1_200,
        softClose: { windowMs: 800, extendMs: 1_500 },
      });
      // The guest holds the auction ending at start + 1,200 ...
      expect((await guest.placeBid({ auctionId: auction.id, bidderId: 'early', amount: 120 })).status).toBe('accepted');
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + 500 - Date.now())));
      // ... the owner's bid in the last 800 ms puts the end off by 1.5 s ...
      const late = await owner.placeBid({ auctionId: auction.id, bidderId: 'late', amount: 200 });
      expect(late.status).toBe('accepted');
      const extended = (await owner.getAuction(auction.id))?.endsAt as number;
      expect(extended).toBeGreaterThan(start + 1_800);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + 1_400 - Date.now())));
      expect(Date.now()).toBeLessThan(extended);
      // ... so a bid after the old end is still in time: refused on the held state, judged again.
      const outcome = await guest.placeBid({ auctionId: auction.id, bidderId: 'last', amount: 400 });
      expect(outcome).toMatchObject({ status: 'accepted', leaderId: 'last' });
    });
  });

  it('holds at most 10,000 states a partition where bids are judged anywhere', async () => {
    await withTwoHouses({ partitions: 1 }, async ({ owner, guest }) => {
      const ids: string[] = [];
      for (let from = 0; from < 10_200; from += 200) {
        const made = await Promise.all(
          Array.from({ length: 200 }, (_, k) =>
            owner.createAuction({
              sellerId: 's',
              title: `Lot ${from + k}`,
              currency: 'USD',
              startingPrice: 100,
              endsAt: Date.now() + 600_000,
            }),
          ),
        );
        for (const auction of made) ids.push(auction.id);
      }
      const before = guest.metrics().sequencer.auctionsInMemory;
      for (let from = 0; from < ids.length; from += 200) {
        await Promise.all(
          ids.slice(from, from + 200).map((auctionId) => guest.placeBid({ auctionId, bidderId: 'b', amount: 150 })),
        );
        expect(guest.metrics().sequencer.auctionsInMemory - before).toBeLessThanOrEqual(10_200);
      }
      // Past 10,000 the next batch lets every state go and holds its own only.
      await guest.placeBid({ auctionId: ids[0] as string, bidderId: 'c', amount: 300 });
      expect(guest.metrics().sequencer.auctionsInMemory - before).toBe(1);
    });
  });

  it("commits a turn's batches of every partition in one tick, where a store can join them", async () => {
    const store = new MemoryAuctionStore();
    // Each commit notes the tick it was made in: a tick ends at the next process.nextTick.
    const ticks: number[] = [];
    let tick = 0;
    let tickEnds = false;
    const commit: MemoryAuctionStore['commit'] = (batch) => {
      if (!tickEnds) {
        tickEnds = true;
        process.nextTick(() => {
          tickEnds = false;
          tick++;
        });
      }
      ticks.push(tick);
      return store.commit(batch);
    };
    const partitions = 4;
    const house = createAuctionHouse({
      backend: createMemoryBackend({ store: storeWith(store, 'commit', commit) }),
      partitions,
      bidJudging: 'anywhere',
    });
    await house.start();
    try {
      const lots = new Map<number, string>();
      while (lots.size < partitions) {
        const { id } = await house.createAuction({
          sellerId: 's',
          title: `Lot ${lots.size}`,
          currency: 'USD',
          startingPrice: 100,
          increment: { type: 'fixed', amount: 10 },
          endsAt: Date.now() + 60_000,
        });
        if (!lots.has(partitionOf(id, partitions))) lots.set(partitionOf(id, partitions), id);
      }
      ticks.length = 0;
      // One caller a partition, each bidding again as soon as it is answered.
      const rounds = 5;
      await Promise.all(
        [...lots.values()].map(async (auctionId) => {
          for (let round = 1; round <= rounds; round++) {
            const outcome = await house.placeBid({ auctionId, bidderId: `b${round % 2}`, amount: 100 + round * 10 });
            expect(outcome.status).toBe('accepted');
          }
        }),
      );
      expect(ticks).toHaveLength(partitions * rounds);
      // A tick a round: the four partitions' commits of a round leave together.
      expect(new Set(ticks).size).toBe(rounds);
    } finally {
      await house.stop();
    }
  });

  it('needs a backend whose commits carry fencing tokens', () => {
    const backend = createMemoryBackend();
    expect(() =>
      createAuctionHouse({
        backend: { ...backend, capabilities: { ...backend.capabilities, fencing: false } },
        bidJudging: 'anywhere',
      }),
    ).toThrow(/capabilities\.fencing/);
    expect(() => createAuctionHouse({ bidJudging: 'elsewhere' as 'owner' })).toThrow(/bidJudging/);
  });
});
