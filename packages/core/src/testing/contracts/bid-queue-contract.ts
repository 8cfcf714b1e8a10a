import { describe, expect, it } from 'vitest';
import type { BidQueue, QueuedCommand, QueueItem } from '../../ports/bid-queue.js';
import { sleep } from '../eventually.js';
import { type ContractHooks, type PartitionHook, trackInstances } from './contract-hooks.js';
import { queueItem, uniquePartition } from './fixtures.js';

/** Groups of the BidQueue contract that a backend may switch off. */
export interface BidQueueContractSkips {
  /** FIFO order, max, partitions, no redelivery by read. */
  readonly fifo?: boolean;
  /** read with blockMs. */
  readonly blocking?: boolean;
  /** ack and depth. */
  readonly ack?: boolean;
  /** claimStale. */
  readonly claimStale?: boolean;
}

export interface BidQueueContractOptions extends ContractHooks, PartitionHook {
  readonly skip?: BidQueueContractSkips;
  /** minIdleMs given to claimStale (50 by default). */
  readonly claimIdleMs?: number;
  /** How long a test waits for entries to become stale; above claimIdleMs (120 by default). */
  readonly staleWaitMs?: number;
  /** blockMs of a read on an empty partition that must wait it out (100 by default). */
  readonly emptyReadBlockMs?: number;
  /** blockMs of a read that an enqueue must wake early, within half of it (4,000 by default). */
  readonly wakeReadBlockMs?: number;
}

/** A factory of fresh, isolated queues; the suite closes each one after its test. */
export type BidQueueFactory = () => Promise<BidQueue> | BidQueue;

const AT_ONCE = { max: 100, blockMs: 0 } as const;

/** What a test compares: the item as enqueued, without the id the queue gave it. */
function itemsOf(entries: readonly QueuedCommand[]): QueueItem[] {
  return entries.map((entry) => ({ command: entry.command, origin: entry.origin, commandId: entry.commandId }));
}

function idsOf(entries: readonly QueuedCommand[]): string[] {
  return entries.map((entry) => entry.id);
}

function itemsNumbered(from: number, count: number): QueueItem[] {
  return Array.from({ length: count }, (_, i) => queueItem(from + i));
}

/**
 * The contract every BidQueue meets: FIFO per partition, independent partitions, blocking
 * reads woken by enqueues, acknowledgement, depth, and stale entries claimed by another
 * consumer in FIFO order, not before they are idle long enough.
 */
export function describeBidQueueContract(makeQueue: BidQueueFactory, options: BidQueueContractOptions = {}): void {
  const skip = options.skip ?? {};
  const newPartition = options.partition ?? uniquePartition;
  const claimIdleMs = options.claimIdleMs ?? 50;
  const staleWaitMs = options.staleWaitMs ?? 120;
  const emptyReadBlockMs = options.emptyReadBlockMs ?? 100;
  const wakeReadBlockMs = options.wakeReadBlockMs ?? 4_000;

  describe('BidQueue contract', () => {
    const instances = trackInstances(options);
    const newQueue = async (): Promise<BidQueue> => instances.add(await makeQueue());

    describe.skipIf(skip.fifo === true)('FIFO', () => {
      it('reads entries in enqueue order, at most max at a time, each once, with distinct ids', async () => {
        const queue = await newQueue();
        const partition = newPartition();
        const items = itemsNumbered(1_000, 5);
        await queue.enqueue(partition, items.slice(0, 3));
        await queue.enqueue(partition, items.slice(3));
        const first = await queue.read(partition, 'consumer-a', { max: 2, blockMs: 0 });
        const rest = await queue.read(partition, 'consumer-a', AT_ONCE);
        expect(itemsOf(first)).toEqual(items.slice(0, 2));
        expect(itemsOf(rest)).toEqual(items.slice(2));
        const ids = idsOf([...first, ...rest]);
        expect(new Set(ids).size).toBe(ids.length);
        expect(await queue.read(partition, 'consumer-b', AT_ONCE)).toEqual([]);
      });

      it('keeps partitions apart', async () => {
        const queue = await newQueue();
        const [p, q] = [newPartition(), newPartition()];
        const forP = itemsNumbered(1_000, 2);
        const forQ = itemsNumbered(2_000, 1);
        await queue.enqueue(p, forP.slice(0, 1));
        await queue.enqueue(q, forQ);
        await queue.enqueue(p, forP.slice(1));
        expect(itemsOf(await queue.read(q, 'consumer-a', AT_ONCE))).toEqual(forQ);
        expect(itemsOf(await queue.read(p, 'consumer-a', AT_ONCE))).toEqual(forP);
        expect(await queue.depth(p)).toBe(2);
        expect(await queue.depth(q)).toBe(1);
      });

      it('answers [] at once on an empty partition when blockMs is 0', async () => {
        const queue = await newQueue();
        const started = Date.now();
        expect(await queue.read(newPartition(), 'consumer-a', AT_ONCE)).toEqual([]);
        expect(Date.now() - started).toBeLessThan(wakeReadBlockMs / 2);
      });
    });

    describe.skipIf(skip.blocking === true)('blocking reads', () => {
      it('wakes a blocked read as soon as something is enqueued', async () => {
        const queue = await newQueue();
        const partition = newPartition();
        const started = Date.now();
        const reading = queue.read(partition, 'consumer-a', { max: 10, blockMs: wakeReadBlockMs });
        await sleep(30);
        const items = itemsNumbered(1_000, 1);
        await queue.enqueue(partition, items);
        expect(itemsOf(await reading)).toEqual(items);
        expect(Date.now() - started).toBeLessThan(wakeReadBlockMs / 2);
      });

      it('waits about blockMs on an empty partition, then answers []', async () => {
        const queue = await newQueue();
        const started = Date.now();
        expect(await queue.read(newPartition(), 'consumer-a', { max: 10, blockMs: emptyReadBlockMs })).toEqual([]);
        expect(Date.now() - started).toBeGreaterThanOrEqual(emptyReadBlockMs * 0.8);
      });
    });

    describe.skipIf(skip.ack === true)('ack and depth', () => {
      it('counts waiting and delivered-unacknowledged entries; ack removes them', async () => {
        const queue = await newQueue();
        const partition = newPartition();
        expect(await queue.depth(partition)).toBe(0);
        await queue.enqueue(partition, itemsNumbered(1_000, 4));
        expect(await queue.depth(partition)).toBe(4);
        const delivered = await queue.read(partition, 'consumer-a', { max: 2, blockMs: 0 });
        expect(await queue.depth(partition)).toBe(4);
        await queue.ack(partition, idsOf(delivered.slice(0, 1)));
        expect(await queue.depth(partition)).toBe(3);
        await queue.ack(partition, idsOf(delivered.slice(1)));
        expect(await queue.depth(partition)).toBe(2);
        await queue.ack(partition, idsOf(await queue.read(partition, 'consumer-a', AT_ONCE)));
        expect(await queue.depth(partition)).toBe(0);
      });
    });

    describe.skipIf(skip.claimStale === true)('claimStale', () => {
      it('hands unacknowledged entries to another consumer after minIdleMs, in FIFO order, and not before', async () => {
        const queue = await newQueue();
        const partition = newPartition();
        const items = itemsNumbered(1_000, 3);
        await queue.enqueue(partition, items);
        const delivered = [
          ...(await queue.read(partition, 'consumer-a', { max: 2, blockMs: 0 })),
          ...(await queue.read(partition, 'consumer-a', AT_ONCE)),
        ];
        expect(await queue.claimStale(partition, 'consumer-b', claimIdleMs, 10)).toEqual([]);
        await sleep(staleWaitMs);
        const claimed = await queue.claimStale(partition, 'consumer-b', claimIdleMs, 10);
        expect(idsOf(claimed)).toEqual(idsOf(delivered));
        expect(itemsOf(claimed)).toEqual(items);
        expect(await queue.depth(partition)).toBe(3);
        // Just delivered to consumer-b, so not idle yet.
        expect(await queue.claimStale(partition, 'consumer-c', claimIdleMs, 10)).toEqual([]);
      });

      it('hands a minted bid back fresh on its first delivery at most, and never fresh when claimed', async () => {
        const queue = await newQueue();
        const partition = newPartition();
        const minted = { ...queueItem(1_000), fresh: true };
        const plain = queueItem(1_001);
        await queue.enqueue(partition, [minted, plain]);
        const [first, second] = await queue.read(partition, 'consumer-a', AT_ONCE);
        // A queue may drop `fresh` (it then costs a lookup), but never invents it.
        expect([true, undefined]).toContain(first?.fresh);
        expect(second?.fresh).toBeUndefined();
        expect(itemsOf([first, second].filter((entry) => entry !== undefined))).toEqual([
          { command: minted.command, origin: minted.origin, commandId: minted.commandId },
          plain,
        ]);
        await sleep(staleWaitMs);
        const claimed = await queue.claimStale(partition, 'consumer-b', claimIdleMs, 10);
        expect(idsOf(claimed)).toEqual(idsOf([first, second].filter((entry) => entry !== undefined)));
        expect(claimed.map((entry) => entry.fresh)).toEqual([undefined, undefined]);
      });

      it('claims at most max, oldest first, and never acknowledged or undelivered entries', async () => {
        const queue = await newQueue();
        const partition = newPartition();
        const items = itemsNumbered(1_000, 5);
        await queue.enqueue(partition, items);
        const delivered = await queue.read(partition, 'consumer-a', { max: 4, blockMs: 0 });
        await queue.ack(partition, idsOf(delivered.slice(1, 2)));
        await sleep(staleWaitMs);
        const firstClaim = await queue.claimStale(partition, 'consumer-b', claimIdleMs, 2);
        const secondClaim = await queue.claimStale(partition, 'consumer-b', claimIdleMs, 10);
        expect(idsOf(firstClaim)).toEqual(idsOf(delivered).filter((_, i) => i === 0 || i === 2));
        expect(idsOf(secondClaim)).toEqual(idsOf(delivered.slice(3)));
        const undelivered = await queue.read(partition, 'consumer-b', AT_ONCE);
        expect(itemsOf(undelivered)).toEqual(items.slice(4));
        await queue.ack(partition, idsOf([...firstClaim, ...secondClaim, ...undelivered]));
        expect(await queue.depth(partition)).toBe(0);
        await sleep(staleWaitMs);
        expect(idsOf(await queue.claimStale(partition, 'consumer-c', claimIdleMs, 10))).toEqual([]);
      });
    });

    describe('interrupt', () => {
      it('wakes a blocked read at once', async () => {
        const queue = await newQueue();
        const started = Date.now();
        const reading = queue.read(newPartition(), 'consumer-a', { max: 10, blockMs: wakeReadBlockMs });
        await sleep(30);
        queue.interrupt();
        expect(await reading).toEqual([]);
        expect(Date.now() - started).toBeLessThan(wakeReadBlockMs / 2);
      });
    });
  });
}
