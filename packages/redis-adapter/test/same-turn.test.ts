import { isOutcryError } from '@outcry/core';
import { partitionOf, type RoutedOutcome } from '@outcry/core/adapter-kit';
import { commitBatchOf, queueItem, ScriptedAuction } from '@outcry/core/testing';
import { type Command, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../src/keys.js';
import { defineScripts } from '../src/lua-scripts.js';
import { RedisAuctionStore } from '../src/redis-auction-store.js';
import { RedisBidQueue } from '../src/redis-bid-queue.js';
import { RedisBroadcaster } from '../src/redis-broadcaster.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the same-turn tests');

const PARTITIONS = 4;

/** An auction whose id falls in `partition`. */
function auctionIn(partition: number): ScriptedAuction {
  for (let i = 0; ; i++) {
    const id = `same-turn-${partition}-${i}-${Math.random().toString(36).slice(2)}`;
    if (partitionOf(id, PARTITIONS) === partition) return ScriptedAuction.create({ id });
  }
}

/** Counts the commands of each name `redis` writes, from now on. */
function countCommands(redis: Redis): Map<string, number> {
  const counts = new Map<string, number>();
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command: Command, stream?: never) => {
    counts.set(command.name, (counts.get(command.name) ?? 0) + 1);
    return send(command, stream);
  };
  return counts;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return null;
}

describe.skipIf(!up)('calls of several partitions in one turn share one Redis command', () => {
  const prefix = uniquePrefix('same-turn:');
  const keys = new RedisKeys(prefix, PARTITIONS);
  let redis: Redis;
  let store: RedisAuctionStore;
  let queue: RedisBidQueue;
  /** What the store's joinCommits answers: true as for a process held to less than a core by a quota. */
  let joining = true;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    defineScripts(redis);
    store = new RedisAuctionStore({ redis, keys, partitions: PARTITIONS, joinCommits: () => joining });
    queue = new RedisBidQueue({ redis, keys });
  });
  afterAll(async () => {
    await queue.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('commits: one script call, and each batch written or refused on its own', async () => {
    const auctions = [0, 1, 2, 3].map(auctionIn);
    await store.claimPartition(3, 9);
    const counts = countCommands(redis);
    const results = await Promise.allSettled(
      auctions.map((auction, partition) => store.commit(commitBatchOf(partition, partition === 3 ? 1 : 5, [auction]))),
    );
    expect(counts.get('evalsha')).toBe(1);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    const refusal = (results[3] as PromiseRejectedResult).reason;
    expect(isOutcryError(refusal) && refusal.code).toBe('STALE_OWNER');
    const states = await store.getMany(auctions.map((auction) => auction.id));
    expect(states.map((state) => state?.spec.id ?? null)).toEqual([
      auctions[0]?.id,
      auctions[1]?.id,
      auctions[2]?.id,
      null,
    ]);
  });

  it('commits: a batch Redis refuses fails alone, the others of its turn land', async () => {
    const auctions = [0, 1, 2].map(auctionIn);
    const batches = auctions.map((auction, partition) => commitBatchOf(partition, 5, [auction]));
    // A status the script has no listing for: the whole call fails, and each batch is sent again alone.
    const bogus = {
      ...batches[1],
      states: batches[1]?.states.map((state) => ({ ...state, status: 'bogus' as never })),
    };
    const errors = await Promise.all([
      failureOf(store.commit(batches[0] as never)),
      failureOf(store.commit(bogus as never)),
      failureOf(store.commit(batches[2] as never)),
    ]);
    expect(errors[0]).toBeNull();
    expect(isOutcryError(errors[1]) && errors[1].code).toBe('STORE_REJECTED');
    expect(errors[2]).toBeNull();
    for (const landed of [auctions[0], auctions[2]])
      expect(await store.getLedger(landed?.id as string, { afterSeq: 0, limit: 10 })).toHaveLength(1);
    // Sent again (as after a lost reply), the landed ones are found in their ledgers.
    await expect(store.commit(batches[0] as never)).resolves.toBeUndefined();
    expect(await store.getLedger(auctions[0]?.id as string, { afterSeq: 0, limit: 10 })).toHaveLength(1);
  });

  it('commits: batches of every shape in one call land as each would alone', async () => {
    // Its fencing token (11) is above the commits' before it (the one after carries it too).
    // Per partition: how many auctions the batch creates, and how many bids each then gets.
    const shapes = [
      [3, 2],
      [1, 0],
      [2, 4],
      [1, 1],
    ] as const;
    const scriptedBatches = () =>
      shapes.map(([count, bids], partition) =>
        Array.from({ length: count }, () => {
          const auction = auctionIn(partition);
          for (let i = 0; i < bids; i++) auction.bid(`bidder-${i % 2}`, 1_000 + 100 * i);
          return auction;
        }),
      );
    const scripted = scriptedBatches();
    // The same batches on auctions of their own, one call each: what landing alone writes.
    const alone = scriptedBatches();
    const counts = countCommands(redis);
    await Promise.all(scripted.map((auctions, partition) => store.commit(commitBatchOf(partition, 11, auctions))));
    expect(counts.get('evalsha')).toBe(1);
    for (const [partition, auctions] of alone.entries()) await store.commit(commitBatchOf(partition, 11, auctions));
    expect(counts.get('evalsha')).toBe(1 + shapes.length);

    const seen = async (id: string) => ({
      state: (await store.getMany([id]))[0],
      ledger: await store.getLedger(id, { afterSeq: 0, limit: 100 }),
    });
    for (const [partition, auctions] of scripted.entries()) {
      for (const [i, auction] of auctions.entries()) {
        const together = await seen(auction.id);
        const single = await seen(alone[partition]?.[i]?.id as string);
        expect(together.ledger).toHaveLength(1 + (shapes[partition]?.[1] ?? 0));
        expect(together.state?.seq).toBe(together.ledger.length);
        expect(together.ledger.map((entry) => entry.command.type)).toEqual(
          single.ledger.map((entry) => entry.command.type),
        );
        expect(together.state?.price).toBe(single.state?.price);
        expect(together.state?.leaderId === null).toBe(single.state?.leaderId === null);
        expect(together.state?.bidCount).toBe(single.state?.bidCount);
      }
      const active = (await store.listActive(partition)).map((state) => state.spec.id);
      for (const auction of auctions) expect(active).toContain(auction.id);
    }
    // Every listing index holds them: all auctions, and the open ones.
    for (const status of [undefined, 'open'] as const) {
      const listed = (await store.list({ status, limit: 100 })).items.map((state) => state.spec.id);
      for (const auction of scripted.flat()) expect(listed).toContain(auction.id);
    }
  });

  it('commits: each goes out at once, in a script call of its own, where they are not joined', async () => {
    const auctions = [0, 1, 2, 3].map(auctionIn);
    joining = false;
    try {
      const counts = countCommands(redis);
      const commits = auctions.map((auction, partition) => store.commit(commitBatchOf(partition, 11, [auction])));
      // Written before the turn ends: nothing waits for the other partitions' commits.
      expect(counts.get('evalsha')).toBe(auctions.length);
      await Promise.all(commits);
    } finally {
      joining = true;
    }
    const states = await store.getMany(auctions.map((auction) => auction.id));
    expect(states.map((state) => state?.spec.id)).toEqual(auctions.map((auction) => auction.id));
  });

  it('enqueues, reads and acks: one script call each, every partition in order, fresh kept', async () => {
    const items = [0, 1, 2].map((partition) => [
      queueItem(10 + partition),
      { ...queueItem(20 + partition), fresh: true },
    ]);
    const counts = countCommands(redis);
    await Promise.all(items.map((its, partition) => queue.enqueue(partition, its)));
    const enqueued = counts.get('evalsha') ?? 0;
    expect(enqueued).toBe(1);
    const reads = await Promise.all(
      [0, 1, 2].map((partition) => queue.read(partition, 'reader', { max: 10, blockMs: 1_000 })),
    );
    expect((counts.get('evalsha') ?? 0) - enqueued).toBe(1);
    for (const [partition, read] of reads.entries()) {
      expect(read.map((item) => [item.commandId, item.fresh === true])).toEqual(
        items[partition]?.map((item) => [item.commandId, item.fresh === true]),
      );
      items[partition] = read;
    }
    const before = counts.get('evalsha') ?? 0;
    await Promise.all(
      items.map((read, partition) =>
        queue.ack(
          partition,
          read.map((item) => (item as unknown as { id: string }).id),
        ),
      ),
    );
    await redis.ping();
    expect((counts.get('evalsha') ?? 0) - before).toBe(1);
    expect(await Promise.all([0, 1, 2].map((partition) => queue.depth(partition)))).toEqual([0, 0, 0]);
  });
});

describe.skipIf(!up)('reads of an idle partition', () => {
  const prefix = uniquePrefix('idle-reads:');
  let redis: Redis;
  let queue: RedisBidQueue;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    defineScripts(redis);
    queue = new RedisBidQueue({ redis, keys: new RedisKeys(prefix, PARTITIONS) });
  });
  afterAll(async () => {
    await queue.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('block at once after a BLOCK ran out with nothing, and still get what comes', async () => {
    await queue.enqueue(0, [queueItem(1)]);
    expect(await queue.read(0, 'reader', { max: 10, blockMs: 100 })).toHaveLength(1);
    expect(await queue.read(0, 'reader', { max: 10, blockMs: 100 })).toEqual([]);
    const counts = countCommands(redis);
    const reading = queue.read(0, 'reader', { max: 10, blockMs: 2_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    // No look first (the read-batch script) on the shared client: the read went straight to its BLOCK.
    expect(counts.get('evalsha') ?? 0).toBe(0);
    const item = queueItem(2);
    await queue.enqueue(0, [item]);
    expect((await reading).map((read) => read.commandId)).toEqual([item.commandId]);
  });
});

describe.skipIf(!up)('answers of one turn', () => {
  const prefix = uniquePrefix('same-turn-answers:');
  let publisher: Redis;
  let listener: Redis;
  let sender: RedisBroadcaster;
  let receiver: RedisBroadcaster;

  beforeAll(() => {
    publisher = new Redis(REDIS_URL);
    listener = new Redis(REDIS_URL);
    sender = new RedisBroadcaster({ redis: publisher, keys: new RedisKeys(prefix, PARTITIONS) });
    receiver = new RedisBroadcaster({ redis: listener, keys: new RedisKeys(prefix, PARTITIONS) });
  });
  afterAll(async () => {
    await sender.close();
    await receiver.close();
    publisher.disconnect();
    listener.disconnect();
  });

  it('go to each house in one message, in the order they were sent', async () => {
    const heard: RoutedOutcome[][] = [];
    const stop = await receiver.receiveAnswers('house-b', (outcomes) => heard.push([...outcomes]));
    const answer = (n: number): RoutedOutcome => ({
      commandId: `house-b.${n}`,
      outcome: { status: 'rejected', code: 'BID_TOO_LOW', message: `answer ${n}` } as never,
    });
    await Promise.all([
      sender.sendAnswers('house-b', [answer(1), answer(2)]),
      sender.sendAnswers('house-b', [answer(3)]),
      sender.sendAnswers('house-b', [answer(4)]),
    ]);
    for (let i = 0; i < 100 && heard.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(heard.map((outcomes) => outcomes.map((o) => o.commandId))).toEqual([
      ['house-b.1', 'house-b.2', 'house-b.3', 'house-b.4'],
    ]);
    await stop();
  });
});
