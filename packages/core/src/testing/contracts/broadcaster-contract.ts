import { describe, expect, it } from 'vitest';
import type { SolePublisher } from '../../ports/backend.js';
import type { Broadcaster, BroadcastMessage, RoutedOutcome } from '../../ports/broadcaster.js';
import { eventually } from '../eventually.js';
import { type ContractHooks, type PartitionHook, trackInstances } from './contract-hooks.js';
import { broadcastMessage, routedAnswers, uniqueId, uniquePartition } from './fixtures.js';

/** Two broadcasters attached to one bus, as two processes would hold them. They may be one object. */
export type BroadcasterPair = readonly [Broadcaster, Broadcaster];

/** Groups of the Broadcaster contract that a backend may switch off. */
export interface BroadcasterContractSkips {
  /** Delivery across the two broadcasters of a pair. */
  readonly pair?: boolean;
  readonly unsubscribe?: boolean;
}

export interface BroadcasterContractOptions extends ContractHooks, PartitionHook {
  readonly skip?: BroadcasterContractSkips;
  /**
   * Two broadcasters on one bus. By default `makeBroadcaster` is called twice, which suits
   * adapters whose instances meet through a server; an in-process bus returns one instance twice.
   */
  readonly makePair?: () => Promise<BroadcasterPair> | BroadcasterPair;
  /** How long a test waits for an expected delivery (2,000 ms by default). */
  readonly deliveryTimeoutMs?: number;
}

/** A factory of fresh broadcasters; the suite closes each one after its test. */
export type BroadcasterFactory = () => Promise<Broadcaster> | Broadcaster;

/** A handler that records what it receives. */
function recorder(): { received: BroadcastMessage[]; handler: (message: BroadcastMessage) => void } {
  const received: BroadcastMessage[] = [];
  return { received, handler: (message) => received.push(message) };
}

/**
 * The contract every Broadcaster meets: a message reaches every subscriber of its partition,
 * in every process, in publish order, and no one else; answers reach the house they are sent
 * to, and no other; unsubscribing stops delivery.
 * Delivery may be asynchronous: the suite polls for what it expects.
 */
export function describeBroadcasterContract(
  makeBroadcaster: BroadcasterFactory,
  options: BroadcasterContractOptions = {},
): void {
  const skip = options.skip ?? {};
  const newPartition = options.partition ?? uniquePartition;
  const timeoutMs = options.deliveryTimeoutMs ?? 2_000;

  describe('Broadcaster contract', () => {
    const instances = trackInstances(options);
    const newBroadcaster = async (): Promise<Broadcaster> => instances.add(await makeBroadcaster());
    const newPair = async (): Promise<BroadcasterPair> => {
      const pair =
        options.makePair === undefined ? [await makeBroadcaster(), await makeBroadcaster()] : await options.makePair();
      return [instances.add(pair[0]), instances.add(pair[1])];
    };
    const arrival = (received: readonly unknown[], count: number, who: string) =>
      eventually(() => received.length >= count, timeoutMs, `${count} message(s) at ${who}`);

    it('delivers to the subscribers of the message’s partition only, in publish order', async () => {
      const broadcaster = await newBroadcaster();
      const [p, q] = [newPartition(), newPartition()];
      const onP = recorder();
      const alsoOnP = recorder();
      const onQ = recorder();
      const onBoth = recorder();
      await broadcaster.subscribe([p], onP.handler);
      await broadcaster.subscribe([p], alsoOnP.handler);
      await broadcaster.subscribe([q], onQ.handler);
      await broadcaster.subscribe([p, q], onBoth.handler);
      const messages = [
        broadcastMessage(p),
        broadcastMessage(q),
        broadcastMessage(p),
        broadcastMessage(p),
        broadcastMessage(q),
      ];
      for (const message of messages) await broadcaster.publish(message);
      const forP = messages.filter((message) => message.partition === p);
      const forQ = messages.filter((message) => message.partition === q);
      await arrival(onBoth.received, messages.length, 'the subscriber of both partitions');
      await arrival(onP.received, forP.length, 'the first subscriber of p');
      await arrival(alsoOnP.received, forP.length, 'the second subscriber of p');
      await arrival(onQ.received, forQ.length, 'the subscriber of q');
      expect(onBoth.received).toEqual(messages);
      expect(onP.received).toEqual(forP);
      expect(alsoOnP.received).toEqual(forP);
      expect(onQ.received).toEqual(forQ);
    });

    it('keeps publish order over many messages', async () => {
      const broadcaster = await newBroadcaster();
      const partition = newPartition();
      const subscriber = recorder();
      await broadcaster.subscribe([partition], subscriber.handler);
      const messages = Array.from({ length: 50 }, () => broadcastMessage(partition));
      for (const message of messages) await broadcaster.publish(message);
      await arrival(subscriber.received, messages.length, 'the subscriber');
      expect(subscriber.received).toEqual(messages);
    });

    describe.skipIf(skip.pair === true)('across processes', () => {
      it('delivers what either broadcaster of a pair publishes to the subscribers of both', async () => {
        const [first, second] = await newPair();
        const partition = newPartition();
        const atFirst = recorder();
        const atSecond = recorder();
        await first.subscribe([partition], atFirst.handler);
        await second.subscribe([partition], atSecond.handler);
        const fromFirst = [broadcastMessage(partition), broadcastMessage(partition)];
        for (const message of fromFirst) await first.publish(message);
        await arrival(atFirst.received, 2, 'the first process');
        await arrival(atSecond.received, 2, 'the second process');
        const fromSecond = broadcastMessage(partition);
        await second.publish(fromSecond);
        await arrival(atFirst.received, 3, 'the first process');
        await arrival(atSecond.received, 3, 'the second process');
        expect(atFirst.received).toEqual([...fromFirst, fromSecond]);
        expect(atSecond.received).toEqual([...fromFirst, fromSecond]);
      });
    });

    describe('answers', () => {
      it('reach the house they are sent to, in order, and no other house', async () => {
        const [sender, receiver] = await newPair();
        const [house, otherHouse] = [uniqueId('house'), uniqueId('house')];
        const mine: RoutedOutcome[][] = [];
        const others: RoutedOutcome[][] = [];
        await receiver.receiveAnswers(house, (outcomes) => mine.push([...outcomes]));
        await receiver.receiveAnswers(otherHouse, (outcomes) => others.push([...outcomes]));
        const sent = [routedAnswers(), routedAnswers(), routedAnswers()];
        for (const outcomes of sent) await sender.sendAnswers(house, outcomes);
        await arrival(mine, sent.length, 'the house they are for');
        // Then something for the other house: once it is there, anything misrouted would be too.
        const forOther = routedAnswers();
        await sender.sendAnswers(otherHouse, forOther);
        await arrival(others, 1, 'the other house');
        expect(mine).toEqual(sent);
        expect(others).toEqual([forOther]);
      });

      it('stop once the house stops receiving, and reach a house of the sender’s own process', async () => {
        const [sender] = await newPair();
        const house = uniqueId('house');
        const heard: RoutedOutcome[][] = [];
        const stop = await sender.receiveAnswers(house, (outcomes) => heard.push([...outcomes]));
        const first = routedAnswers();
        await sender.sendAnswers(house, first);
        await arrival(heard, 1, 'the house');
        await stop();
        await sender.sendAnswers(house, routedAnswers());
        const again: RoutedOutcome[][] = [];
        await sender.receiveAnswers(house, (outcomes) => again.push([...outcomes]));
        const last = routedAnswers();
        await sender.sendAnswers(house, last);
        await arrival(again, 1, 'the house receiving again');
        expect(heard).toEqual([first]);
        expect(again).toEqual([last]);
      });
    });

    describe.skipIf(skip.pair === true)('setSolePublisher (a broadcaster without it keeps listening)', () => {
      it('still hands its own messages to its subscribers, and hears the other process again once it is not sole', async () => {
        const [sole, other] = await newPair();
        const partition = newPartition();
        const atSole = recorder();
        await sole.subscribe([partition], atSole.handler);
        // Without the method the broadcaster keeps listening: the same deliveries hold.
        await (sole as Partial<SolePublisher>).setSolePublisher?.(partition, true);
        const own = broadcastMessage(partition);
        await sole.publish(own);
        await arrival(atSole.received, 1, 'the sole publisher');
        await (sole as Partial<SolePublisher>).setSolePublisher?.(partition, false);
        const fromOther = broadcastMessage(partition);
        await other.publish(fromOther);
        await arrival(atSole.received, 2, 'the publisher no longer sole');
        expect(atSole.received).toEqual([own, fromOther]);
      });
    });

    describe.skipIf(skip.unsubscribe === true)('unsubscribe', () => {
      it('stops delivery to that handler only', async () => {
        const [publisher, subscriber] = await newPair();
        const partition = newPartition();
        const leaving = recorder();
        const staying = recorder();
        const unsubscribe = await subscriber.subscribe([partition], leaving.handler);
        await subscriber.subscribe([partition], staying.handler);
        const before = broadcastMessage(partition);
        await publisher.publish(before);
        await arrival(leaving.received, 1, 'the leaving handler');
        await unsubscribe();
        const after = broadcastMessage(partition);
        await publisher.publish(after);
        // The staying handler shares the connection: once it has `after`, the leaving one would have it too.
        await arrival(staying.received, 2, 'the staying handler');
        expect(staying.received).toEqual([before, after]);
        expect(leaving.received).toEqual([before]);
      });
    });
  });
}
