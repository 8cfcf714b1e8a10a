import { describe, expect, it } from 'vitest';
import type { QueueItem } from '../../ports/bid-queue.js';
import type { DirectCommands } from '../../ports/direct-commands.js';
import { eventually } from '../eventually.js';
import { type ContractHooks, type PartitionHook, trackInstances } from './contract-hooks.js';
import { queueItem, uniquePartition } from './fixtures.js';

/** Two instances on one bus, as two processes would hold them. They may be one object. */
export type DirectCommandsPair = readonly [DirectCommands, DirectCommands];

export interface DirectCommandsContractOptions extends ContractHooks, PartitionHook {
  /** How long a test waits for an expected delivery (2,000 ms by default). */
  readonly deliveryTimeoutMs?: number;
}

/** A factory of pairs of fresh instances on one bus; the suite closes each after its test. */
export type DirectCommandsPairFactory = () => Promise<DirectCommandsPair> | DirectCommandsPair;

/**
 * The contract every DirectCommands meets: a send reaches the partition's receiver, in another
 * instance too, with its items in order and as sent (`fresh` kept), and says so; a send to a
 * partition nobody receives on says nobody heard it; a receiver stopped hears nothing more.
 */
export function describeDirectCommandsContract(
  makePair: DirectCommandsPairFactory,
  options: DirectCommandsContractOptions = {},
): void {
  const newPartition = options.partition ?? uniquePartition;
  const timeoutMs = options.deliveryTimeoutMs ?? 2_000;

  describe('DirectCommands contract', () => {
    const instances = trackInstances(options);
    const newPair = async (): Promise<DirectCommandsPair> => {
      const [a, b] = await makePair();
      return [instances.add(a), instances.add(b)];
    };

    it('a send to a partition nobody receives on is heard by nobody', async () => {
      const [sender] = await newPair();
      expect(await sender.send(newPartition(), [queueItem(100)])).toBe(false);
    });

    it('hands the items to the receiver of their partition only, in order and as sent', async () => {
      const [sender, owner] = await newPair();
      const [p, q] = [newPartition(), newPartition()];
      const onP: QueueItem[][] = [];
      const onQ: QueueItem[][] = [];
      await owner.receive(p, (items) => onP.push([...items]));
      await owner.receive(q, (items) => onQ.push([...items]));
      const first = [queueItem(100, 'house-a'), { ...queueItem(110, 'house-b'), fresh: true }];
      const second = [queueItem(120)];
      expect(await sender.send(p, first)).toBe(true);
      expect(await sender.send(p, second)).toBe(true);
      await eventually(() => onP.length === 2, timeoutMs, 'two sends at the receiver');
      expect(onP).toEqual([first, second]);
      expect(onQ).toEqual([]);
    });

    it('a receiver stopped hears nothing sent afterwards, and the send says nobody heard it', async () => {
      const [sender, owner] = await newPair();
      const p = newPartition();
      const received: QueueItem[][] = [];
      const stop = await owner.receive(p, (items) => received.push([...items]));
      expect(await sender.send(p, [queueItem(100)])).toBe(true);
      await eventually(() => received.length === 1, timeoutMs, 'the send before the stop');
      await stop();
      expect(await sender.send(p, [queueItem(200)])).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received).toHaveLength(1);
    });
  });
}
