import { afterEach, describe, expect, it } from 'vitest';
import { isOutcryError } from '../../errors.js';
import type { AuctionHouse } from '../../house/auction-house.js';
import { describeOpaqueIdRoundTrip } from '../contracts/opaque-id-round-trip.js';
import { eventually, sleep } from '../eventually.js';
import { createFakeClock } from '../fake-clock.js';
import { BidTraffic, type TrafficMember } from './bid-traffic.js';
import { expectSameAsEngine } from './differential.js';
import { expectLedgersConsistent } from './ledger-check.js';
import { severable } from './severable.js';
import { type HouseSettings, houseOn, type Stack, type StackFactory, type StackProcess } from './stack.js';

export interface StackContractOptions {
  /** Partitions of every stack instance (4 by default). */
  readonly partitions?: number;
  /** Runs of the differential property (40 by default). */
  readonly differentialRuns?: number;
  /** Runs of the opaque id property (20 by default). */
  readonly opaqueIdRuns?: number;
}

/** Short leases, so that hand-overs and take-overs happen within a test. */
const LEASE_TTL_MS = 800;
/** Far below the default: a command stranded by a hand-over or a death fails the run instead of waiting. */
const ANSWER_TIMEOUT_MS = 10_000;
/** Entries delivered to a dead house's read are taken over this soon. */
const STALE_ENTRY_MS = 500;
const LIVELY: HouseSettings = {
  leaseTtlMs: LEASE_TTL_MS,
  answerTimeoutMs: ANSWER_TIMEOUT_MS,
  staleEntryMs: STALE_ENTRY_MS,
};

/** What one test opened: stack instances, processes, houses; all stopped and closed after it. */
class Opened {
  readonly #stacks: Stack[] = [];
  readonly #processes: StackProcess[] = [];
  readonly #houses: AuctionHouse[] = [];

  async stack(makeStack: StackFactory, partitions: number): Promise<Stack> {
    const stack = await makeStack({ partitions });
    this.#stacks.push(stack);
    return stack;
  }

  async process(stack: Stack, partitions?: number): Promise<StackProcess> {
    const process = await stack.connect(partitions === undefined ? {} : { partitions });
    this.#processes.push(process);
    return process;
  }

  house(house: AuctionHouse): AuctionHouse {
    this.#houses.push(house);
    return house;
  }

  /** Stops the houses (a killed one's stop never ends: it is left), then closes the rest. */
  async close(abandoned: ReadonlySet<AuctionHouse>): Promise<void> {
    for (const house of this.#houses.splice(0)) if (!abandoned.has(house)) await house.stop();
    for (const process of this.#processes.splice(0)) await process.close();
    for (const stack of this.#stacks.splice(0)) await stack.close();
  }
}

async function createAuctions(house: AuctionHouse, count: number, endsInMs: number): Promise<string[]> {
  const now = Date.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const auction = await house.createAuction({
      sellerId: 'seller',
      title: `Lot ${i}`,
      currency: 'USD',
      startingPrice: 1_000,
      increment: { type: 'fixed', amount: 1 },
      ...(i % 2 === 0 ? { reservePrice: 1_050 } : {}),
      startsAt: now,
      endsAt: now + endsInMs,
    });
    ids.push(auction.id);
  }
  return ids;
}

async function startOutcome(house: AuctionHouse): Promise<string> {
  try {
    await house.start();
    return 'started';
  } catch (error) {
    return isOutcryError(error) ? `${error.code}: ${error.message}` : String(error);
  }
}

/**
 * The contract of a whole stack: houses on its backends behave as the pure engine says, keep
 * the rules' invariants with several houses bidding at once, hand partitions over without losing
 * a bid, survive a house killed without stopping, refuse a partition count the stack was not laid
 * out for, and keep opaque ids byte for byte. `makeStack` gives a fresh, isolated instance per test.
 */
export function describeStackContract(name: string, makeStack: StackFactory, options: StackContractOptions = {}): void {
  const partitions = options.partitions ?? 4;
  const differentialRuns = options.differentialRuns ?? 40;

  describe(`stack contract: ${name}`, () => {
    const opened = new Opened();
    const abandoned = new Set<AuctionHouse>();
    afterEach(async () => {
      await opened.close(abandoned);
    }, 30_000);
    const freshStack = () => opened.stack(makeStack, partitions);
    const startedHouse = async (stack: Stack, settings: HouseSettings = LIVELY) => {
      const house = opened.house(houseOn((await opened.process(stack)).backend, settings));
      await house.start();
      return house;
    };

    it('gives the same outcomes, states and ledgers as the pure engine for the same commands', async () => {
      const stack = await freshStack();
      const clock = createFakeClock(Date.UTC(2030, 0, 1));
      const { backend } = await opened.process(stack);
      const house = opened.house(houseOn(backend, { clock }));
      await house.start();
      const seen = await expectSameAsEngine(house, backend.store, clock, differentialRuns);
      // The scenarios reached every path they are meant to compare.
      for (const [path, count] of Object.entries(seen)) expect(count, path).toBeGreaterThan(0);
    }, 120_000);

    it('keeps one winner per closed auction, the proxy price and a ledger that replays, with two houses bidding', async () => {
      const stack = await freshStack();
      const [first, second] = [await startedHouse(stack), await startedHouse(stack)];
      const auctionIds = await createAuctions(first, 6, 2_000);
      const members: TrafficMember[] = [first, second].map((house) => ({ house, running: true }));
      const traffic = new BidTraffic(() => members, auctionIds);
      await sleep(1_500);
      await traffic.stop();
      const store = (await opened.process(stack)).backend.store;
      await eventually(
        async () => (await store.getMany(auctionIds)).every((state) => state?.status === 'closed'),
        10_000,
        'every auction closed',
      );
      expect(traffic.failures).toEqual([]);
      expect(traffic.accepted.length).toBeGreaterThan(20);
      expect(await expectLedgersConsistent(store, auctionIds, traffic.accepted)).toBeGreaterThanOrEqual(
        traffic.accepted.length,
      );
      const states = await store.getMany(auctionIds);
      expect(states.filter((state) => state?.result?.outcome === 'sold').length).toBeGreaterThan(0);
    }, 60_000);

    it('answers every bid through houses joining and leaving, and loses none', async () => {
      const stack = await freshStack();
      const members: TrafficMember[] = [];
      const join = async () => members.push({ house: await startedHouse(stack), running: true });
      const leave = async (member: TrafficMember) => {
        member.running = false;
        await member.house.stop();
      };
      await join();
      const auctionIds = await createAuctions(members[0]?.house as AuctionHouse, 8, 60_000);
      const traffic = new BidTraffic(() => members, auctionIds);
      // Each step moves partitions between houses.
      await sleep(500);
      await join();
      await sleep(900);
      await join();
      await sleep(900);
      await leave(members[0] as TrafficMember);
      await sleep(900);
      await leave(members[1] as TrafficMember);
      await sleep(900);
      await traffic.stop();
      const last = members[2]?.house as AuctionHouse;
      expect(last.metrics().partitions.owned).toEqual(Array.from({ length: partitions }, (_, p) => p));
      expect(traffic.failures).toEqual([]);
      expect(traffic.accepted.length).toBeGreaterThan(50);
      const store = (await opened.process(stack)).backend.store;
      expect(await expectLedgersConsistent(store, auctionIds, traffic.accepted)).toBe(traffic.accepted.length);
    }, 60_000);

    it('loses nothing it accepted when a house dies without stopping: another takes over, then a restarted one', async () => {
      const stack = await freshStack();
      const doomed = severable((await opened.process(stack)).backend);
      const victim = opened.house(houseOn(doomed.backend, LIVELY));
      await victim.start();
      const survivor = await startedHouse(stack);
      await eventually(() => survivor.metrics().partitions.owned.length > 0, 5_000, 'the survivor owning partitions');
      const auctionIds = await createAuctions(victim, 8, 60_000);
      let die: () => void = () => undefined;
      const dead = new Promise<void>((resolve) => {
        die = resolve;
      });
      const members: TrafficMember[] = [
        { house: victim, running: true, dead },
        { house: survivor, running: true },
      ];
      const traffic = new BidTraffic(() => members, auctionIds);
      await eventually(
        () => [victim, survivor].every((house) => (traffic.acceptedBy.get(house) ?? 0) >= 15),
        10_000,
        'bids accepted by both houses',
      );
      doomed.sever();
      abandoned.add(victim);
      (members[0] as TrafficMember).running = false;
      die();
      await eventually(
        () => survivor.metrics().partitions.owned.length === partitions,
        10_000,
        "the survivor taking the dead house's partitions",
      );
      const acceptedBeforeTakeOver = traffic.accepted.length;
      await eventually(() => traffic.accepted.length > acceptedBeforeTakeOver + 30, 10_000, 'bids after the take-over');
      await traffic.stop();
      expect(traffic.failures).toEqual([]);

      // A restarted process takes every partition over from the survivor.
      const restarted = await startedHouse(stack);
      await survivor.stop();
      for (const auctionId of auctionIds) {
        const outcome = await restarted.placeBid({ auctionId, bidderId: 'late', amount: 1_000_000 });
        expect(outcome).toMatchObject({ status: 'accepted', leaderId: 'late' });
        traffic.accepted.push(outcome.bidId);
      }
      const store = (await opened.process(stack)).backend.store;
      expect(await expectLedgersConsistent(store, auctionIds, traffic.accepted)).toBeGreaterThanOrEqual(
        traffic.accepted.length,
      );
    }, 60_000);

    it('refuses at start a house whose partition count differs from the one the stack was laid out for', async () => {
      const stack = await freshStack();
      const first = await startedHouse(stack);
      const refused = opened.house(houseOn((await opened.process(stack, partitions * 2)).backend, LIVELY));
      expect(await startOutcome(refused)).toMatch(
        new RegExp(`^INVALID_INPUT: .*laid out for ${partitions} partitions.*${partitions * 2}`),
      );
      expect(refused.metrics().partitions.owned).toEqual([]);
      // The refused house took nothing: the first one still judges every partition.
      const [auctionId] = await createAuctions(first, 1, 60_000);
      expect(await first.placeBid({ auctionId: auctionId as string, bidderId: 'ann', amount: 1_000 })).toMatchObject({
        status: 'accepted',
      });
      expect(first.metrics().partitions.owned).toHaveLength(partitions);
    });

    describeOpaqueIdRoundTrip(
      async () => {
        const own = new Opened();
        const stack = await own.stack(makeStack, partitions);
        const house = own.house(houseOn((await own.process(stack)).backend));
        // Another process reads back what the house wrote, and hears its events.
        const reader = await own.process(stack);
        const watcher = own.house(houseOn(reader.backend));
        await house.start();
        await watcher.start();
        return { house, store: reader.backend.store, watcher, close: () => own.close(new Set()) };
      },
      { numRuns: options.opaqueIdRuns ?? 20 },
    );
  });
}
