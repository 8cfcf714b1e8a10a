import { type AuctionHouse, createAuctionHouse } from '@outcry/core';
import {
  type BroadcastMessage,
  type CommitBatch,
  MemoryAuctionStore,
  MemoryBroadcaster,
  MemoryLock,
  type RoutedOutcome,
} from '@outcry/core/adapter-kit';
import { eventually } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { CopyingQueue } from '../support/copying-queue.js';
import { memoryBackendOf } from '../support/memory-backend-of.js';

class RecordingStore extends MemoryAuctionStore {
  readonly commits: CommitBatch[] = [];
  override async commit(batch: CommitBatch): Promise<void> {
    this.commits.push(batch);
    await super.commit(batch);
  }
}

/** A broadcaster whose messages the store's commits publish, as the Redis adapters' does. */
class CommitPublishedBroadcaster extends MemoryBroadcaster {
  readonly published: BroadcastMessage[] = [];
  /** The house each answer was sent to, and the commandIds. */
  readonly answered: { origin: string; commandIds: string[] }[] = [];
  override async publish(message: BroadcastMessage): Promise<void> {
    this.published.push(message);
    await super.publish(message);
  }
  override async sendAnswers(origin: string, outcomes: readonly RoutedOutcome[]): Promise<void> {
    this.answered.push({ origin, commandIds: outcomes.map((outcome) => outcome.commandId) });
    await super.sendAnswers(origin, outcomes);
  }
}

const houses: AuctionHouse[] = [];
afterEach(async () => {
  for (const house of houses.splice(0)) await house.stop();
});

async function twoHouses(commitPublishes: boolean) {
  const store = new RecordingStore();
  const broadcaster = new CommitPublishedBroadcaster();
  const ports = { store, broadcaster, queue: new CopyingQueue(), lock: new MemoryLock() };
  const options = { partitions: 8, leaseTtlMs: 300 };
  const backendOf = () => memoryBackendOf(ports, { commitPublishes, queueInProcess: false });
  const first = createAuctionHouse({ backend: backendOf(), ...options });
  await first.start();
  const second = createAuctionHouse({ backend: backendOf(), ...options });
  await second.start();
  houses.push(first, second);
  await eventually(() => second.metrics().partitions.owned.length === 4, 5_000);
  // Auctions in partitions of each house, bid on from both.
  const auctions = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      (i % 2 ? first : second).createAuction({
        sellerId: 'seller',
        title: `Lot ${i}`,
        currency: 'USD',
        startingPrice: 100,
        endsAt: Date.now() + 60_000,
      }),
    ),
  );
  const answers = await Promise.all(
    Array.from({ length: 80 }, (_, i) =>
      (i % 2 ? first : second).placeBid({
        auctionId: auctions[i % 8]?.id as string,
        bidderId: `bidder-${i % 5}`,
        amount: 100 + 10 * i,
      }),
    ),
  );
  return { store, broadcaster, answers, houseIds: [first.houseId, second.houseId] };
}

describe('a backend whose commits publish (capabilities.commitPublishes)', () => {
  it('gets each batch’s message with its commit, the very one then published; the other house’s outcomes go to it alone', async () => {
    const { store, broadcaster, answers, houseIds } = await twoHouses(true);
    expect(answers.every((a) => a.status === 'accepted' || a.status === 'rejected')).toBe(true);
    const withMessage = store.commits.filter((batch) => batch.broadcast !== null);
    expect(withMessage.length).toBeGreaterThan(0);
    for (const batch of withMessage) {
      const message = batch.broadcast as BroadcastMessage;
      expect(message.partition).toBe(batch.partition);
      expect(broadcaster.published).toContain(message);
    }
    // Bids taken in by one house and judged by the other: their outcomes are sent to the house that took them in.
    expect(broadcaster.answered.length).toBeGreaterThan(0);
    for (const { origin, commandIds } of broadcaster.answered) {
      expect(houseIds).toContain(origin);
      expect(commandIds.length).toBeGreaterThan(0);
    }
    expect(withMessage.every((batch) => !('outcomes' in (batch.broadcast as object)))).toBe(true);
  });

  it('gets no message otherwise', async () => {
    const { store, broadcaster, answers } = await twoHouses(false);
    expect(answers.every((a) => a.status === 'accepted' || a.status === 'rejected')).toBe(true);
    expect(store.commits.length).toBeGreaterThan(0);
    expect(store.commits.every((batch) => batch.broadcast === null)).toBe(true);
    expect(broadcaster.published.length).toBeGreaterThan(0);
  });
});
