// Commands a store refuses by their content, and the house that sends them through the queue:
// a store that cannot keep a command must refuse it alone (STORE_REJECTED), not its partition.
import { type AuctionHouse, createAuctionHouse } from '../house/auction-house.js';
import type { AuctionHouseOptions } from '../house/house-options.js';
import { partitionOf } from '../house/partition-of.js';
import { createMemoryBackend } from '../memory/memory-backend.js';
import { MemoryLock } from '../memory/memory-lock.js';
import type { Backend } from '../ports/backend.js';
import type { QueueItem } from '../ports/bid-queue.js';
import type { Broadcaster, RoutedOutcome } from '../ports/broadcaster.js';
import { composeBackend } from '../ports/compose-backend.js';
import { ScriptedAuction } from './contracts/fixtures.js';

/**
 * A house that never owns a partition (its lock holds every one for another owner): every
 * command it takes in goes through the queue, and it waits for the outcomes the owner routes
 * back by broadcast, as a second process would.
 */
export async function clientHouse(
  options: AuctionHouseOptions & { readonly backend: Backend; readonly partitions: number },
): Promise<AuctionHouse> {
  const lock = new MemoryLock();
  for (let p = 0; p < options.partitions; p++) await lock.acquire(`partition:${p}`, 'another-owner', 3_600_000);
  const { backend } = options;
  const held = createMemoryBackend({ lock });
  const house = createAuctionHouse({
    ...options,
    backend: composeBackend({ store: backend, queue: backend, lock: held, broadcaster: backend, cache: backend }),
  });
  await house.start();
  return house;
}

/**
 * A bid whose bidder id holds a NUL character, which PostgreSQL refuses in text and in jsonb
 * alike: it enters the queue directly, as a command from a process whose checks let it through.
 */
export function poisonBid(auctionId: string, bidId: string, origin: string): QueueItem {
  return {
    command: { type: 'bid', auctionId, bidId, bidderId: 'mallory\u0000', amount: 1_000_000, receivedAt: Date.now() },
    origin,
    commandId: bidId,
  };
}

/** A create whose title holds a NUL character, of an auction in `partition`. */
export function poisonCreate(partition: number, partitions: number, origin: string): QueueItem {
  let id = '';
  for (let n = 0; id === '' || partitionOf(id, partitions) !== partition; n++) id = `poison-${Date.now()}-${n}`;
  const spec = ScriptedAuction.create({ id, title: 'a\u0000b' }).state.spec;
  return { command: { type: 'create', spec, receivedAt: Date.now() }, origin, commandId: `create-${id}` };
}

/** Every outcome `broadcaster` delivers to the house `houseId`, as it arrives. */
export async function routedOutcomes(
  broadcaster: Broadcaster,
  houseId: string,
): Promise<{ readonly outcomes: RoutedOutcome[]; off(): Promise<void> }> {
  const outcomes: RoutedOutcome[] = [];
  const off = await broadcaster.receiveAnswers(houseId, (answers) => {
    outcomes.push(...answers);
  });
  return { outcomes, off };
}
