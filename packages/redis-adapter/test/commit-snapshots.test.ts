import { createAuctionHouse, isOutcryError } from '@outcry/core';
import { type BroadcastMessage, partitionOf } from '@outcry/core/adapter-kit';
import { toPublicAuction } from '@outcry/core/engine';
import { commitBatchOf, eventually, ScriptedAuction } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters } from '../src/create-redis-adapters.js';
import { RedisKeys } from '../src/keys.js';
import { defineScripts } from '../src/lua-scripts.js';
import { RedisSnapshotCache } from '../src/redis-snapshot-cache.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the commit-snapshot tests');
const PARTITIONS = 4;

describe.skipIf(!up)('snapshots written by the commit script', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const fresh = (label: string) => {
    const prefix = uniquePrefix(label);
    prefixes.push(prefix);
    return prefix;
  };
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('the cache of the adapters reads views from the committed states: no snapshot written, nothing for a refused commit', async () => {
    const prefix = fresh('commit-snapshots:');
    const adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    const { lock, store, cache } = adapters;
    expect(cache.filledBy).toBe(store);
    const auction = ScriptedAuction.create();
    const home = partitionOf(auction.id, PARTITIONS);
    const lease = await lock.acquire(`partition:${home}`, 'owner', 10_000);
    auction.bid('alice', 1_500);
    await store.commit(commitBatchOf(home, lease?.token ?? 0, [auction]));
    expect(await cache.getMany([auction.id])).toEqual([toPublicAuction(auction.state)]);
    auction.bid('bob', 2_000);
    await store.commit(commitBatchOf(home, lease?.token ?? 0, [auction]));
    expect(await cache.getMany([auction.id])).toEqual([toPublicAuction(auction.state)]);
    expect(await redis.keys(new RedisKeys(prefix, PARTITIONS).snapshotPattern())).toEqual([]);

    // Another auction of the same partition, committed with a token below the one that wrote there.
    let n = 0;
    while (partitionOf(`${auction.id}-${n}`, PARTITIONS) !== home) n++;
    const refused = ScriptedAuction.create({ id: `${auction.id}-${n}` });
    const stale = commitBatchOf(home, (lease?.token ?? 0) - 1, [refused]);
    await expect(store.commit(stale)).rejects.toSatisfy(
      (error: unknown) => isOutcryError(error) && error.code === 'STALE_OWNER',
    );
    expect(await cache.getMany([refused.id, auction.id])).toEqual([undefined, toPublicAuction(auction.state)]);
    expect(cache.stats()).toMatchObject({ hits: 3, misses: 1 });
    await adapters.close();
  });

  it('a store-filled cache shows the committed state over a snapshot, and snapshots for what the store never wrote', async () => {
    const prefix = fresh('filled-by:');
    const adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    const { lock, store, cache } = adapters;
    const committed = ScriptedAuction.create();
    const home = partitionOf(committed.id, PARTITIONS);
    const lease = await lock.acquire(`partition:${home}`, 'owner', 10_000);
    await store.commit(commitBatchOf(home, lease?.token ?? 0, [committed]));
    const view = toPublicAuction(committed.state);
    // A house on another store (PostgreSQL, with this cache) writes its views with setMany.
    const elsewhere = toPublicAuction(ScriptedAuction.create().state);
    await cache.setMany([{ ...view, price: view.price + 1, seq: view.seq + 1 }, elsewhere]);
    expect(await cache.getMany([committed.id, elsewhere.id])).toEqual([view, elsewhere]);
    await cache.delete([committed.id, elsewhere.id]);
    expect(await cache.getMany([committed.id, elsewhere.id])).toEqual([view, undefined]);
    await adapters.close();
  });

  it('setMany calls of one tick are written by one script call', async () => {
    const prefix = fresh('set-many-tick:');
    const client = new Redis(REDIS_URL);
    const sent: string[] = [];
    const send = client.sendCommand.bind(client);
    client.sendCommand = ((command: { name: string }) => {
      sent.push(command.name);
      return send(command as Parameters<typeof send>[0]);
    }) as typeof client.sendCommand;
    defineScripts(client);
    const cache = new RedisSnapshotCache({
      redis: client,
      keys: new RedisKeys(prefix, PARTITIONS),
      partitions: PARTITIONS,
    });
    const views = [ScriptedAuction.create(), ScriptedAuction.create(), ScriptedAuction.create()].map((a) =>
      toPublicAuction(a.state),
    );
    await client.ping();
    sent.length = 0;
    await Promise.all(views.map((view) => cache.setMany([view])));
    expect(sent.filter((name) => name === 'evalsha' || name === 'eval')).toHaveLength(1);
    expect(await cache.getMany(views.map((view) => view.id))).toEqual(views);
    await client.quit();
  });

  it('a commit is written at once, not held for the next automatic pipeline', async () => {
    const prefix = fresh('commit-now:');
    const client = new Redis(REDIS_URL, { enableAutoPipelining: true });
    const adapters = createRedisAdapters({ redis: client, prefix, partitions: PARTITIONS });
    const auction = ScriptedAuction.create();
    const home = partitionOf(auction.id, PARTITIONS);
    await client.ping();
    const read = client.get(`${prefix}probe`);
    expect(client.autoPipelineQueueSize).toBe(1);
    const committed = adapters.store.commit(commitBatchOf(home, 1, [auction]));
    // Redis answers it before it reads the next automatic pipeline, so its sequencer goes on sooner.
    expect(client.autoPipelineQueueSize).toBe(1);
    await Promise.all([read, committed]);
    expect(await adapters.store.getMany([auction.id])).toEqual([auction.state]);
    await adapters.close();
    await client.quit();
  });

  it('a commit reaches a server that forgot the script (SCRIPT FLUSH) by EVAL', async () => {
    const prefix = fresh('commit-noscript:');
    const adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    const auction = ScriptedAuction.create();
    const home = partitionOf(auction.id, PARTITIONS);
    await adapters.store.commit(commitBatchOf(home, 1, [auction]));
    await redis.script('FLUSH');
    auction.bid('alice', 1_500);
    await adapters.store.commit(commitBatchOf(home, 1, [auction]));
    expect(await adapters.store.getMany([auction.id])).toEqual([auction.state]);
    await adapters.close();
  });

  it('a house on the adapters answers from the store-kept cache, never calls setMany, and broadcasts no snapshots', async () => {
    const prefix = fresh('house-snapshots:');
    const adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    let setManyCalls = 0;
    class CountingCache extends RedisSnapshotCache {
      override setMany(...args: Parameters<RedisSnapshotCache['setMany']>): Promise<void> {
        setManyCalls++;
        return super.setMany(...args);
      }
    }
    const cache = new CountingCache({
      redis,
      keys: new RedisKeys(prefix, PARTITIONS),
      partitions: PARTITIONS,
      filledBy: adapters.store,
    });
    const house = createAuctionHouse({ backend: { ...adapters, cache }, partitions: PARTITIONS });
    const received: BroadcastMessage[] = [];
    // Another process's view: its own broadcaster on the same prefix.
    const other = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    const unsubscribe = await other.broadcaster.subscribe([0, 1, 2, 3], (message) => received.push(message));
    await house.start();
    try {
      const now = Date.now();
      const auction = await house.createAuction({
        sellerId: 'seller',
        title: 'Lot',
        currency: 'EUR',
        startingPrice: 1_000,
        increment: { type: 'fixed', amount: 100 },
        startsAt: now,
        endsAt: now + 60_000,
      });
      const outcome = await house.placeBid({ auctionId: auction.id, bidderId: 'alice', amount: 2_000 });
      expect(outcome.status).toBe('accepted');
      const [cached] = await other.cache.getMany([auction.id]);
      expect(cached?.leaderId).toBe('alice');
      expect(cached?.bidCount).toBe(1);
      expect(setManyCalls).toBe(0);
      await eventually(
        () => received.some((m) => m.events.some((e) => e.type === 'bid.accepted')),
        5_000,
        'the bid broadcast',
      );
      expect(received.every((message) => message.snapshots.length === 0)).toBe(true);
    } finally {
      await house.stop();
      await unsubscribe();
      await other.close();
      await adapters.close();
    }
  });
});
