import { type AuctionEvent, createAuctionHouse, isOutcryError } from '@outcry/core';
import { type BroadcastMessage, partitionOf } from '@outcry/core/adapter-kit';
import { commitBatchOf, eventually, ScriptedAuction } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters, type RedisAdapters } from '../src/create-redis-adapters.js';
import { RedisKeys } from '../src/keys.js';
import { RedisBroadcaster } from '../src/redis-broadcaster.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the broadcast-with-commit tests');
const PARTITIONS = 4;

describe.skipIf(!up)('broadcasts published by the commit script', () => {
  const prefix = uniquePrefix('broadcast-commit:');
  const keys = new RedisKeys(prefix, PARTITIONS);
  let redis: Redis;
  let listener: Redis;
  let adapters: RedisAdapters;
  /** Another process's broadcaster on the same prefix. */
  let elsewhere: RedisBroadcaster;
  const raw: string[] = [];
  const heardElsewhere: BroadcastMessage[] = [];
  const heardHere: BroadcastMessage[] = [];

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    listener = new Redis(REDIS_URL);
    adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    elsewhere = new RedisBroadcaster({ redis, keys });
    const all = Array.from({ length: PARTITIONS }, (_, p) => p);
    await listener.subscribe(...all.map((p) => keys.channel(p)));
    listener.on('message', (_channel: string, payload: string) => raw.push(payload));
    await elsewhere.subscribe(all, (message) => heardElsewhere.push(message));
    await adapters.broadcaster.subscribe(all, (message) => heardHere.push(message));
  });
  afterAll(async () => {
    await elsewhere.close();
    await adapters.close();
    listener.disconnect();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  /** A committed batch of a new auction with its message, and the sentinel trick: what Redis sent before it has arrived. */
  const messageOf = (partition: number, text: string): BroadcastMessage => ({
    partition,
    origin: 'house-a',
    events: [{ type: 'auction.cancelled', auctionId: text, seq: 1, at: 1, reason: text } as AuctionEvent],
    snapshots: [],
  });
  const sentinel = async (partition: number) => {
    const count = raw.length;
    const marker = `sentinel-${count}`;
    await redis.publish(keys.channel(partition), marker);
    await eventually(async () => raw.includes(marker), 5_000, 'the sentinel');
    return raw.slice(count).filter((payload) => payload !== marker);
  };

  it("drops what is not a broadcast (another program's payload) and counts it, instead of failing", async () => {
    const dropped = elsewhere.dropped;
    const heard = heardElsewhere.length;
    for (const junk of ['plain text', 'x|{"partition":1}', 'x|null', 'x|{"partition":"1","events":[]}'])
      await redis.publish(keys.channel(1), junk);
    await sentinel(1);
    await eventually(async () => elsewhere.dropped === dropped + 5, 5_000, 'the junk and the sentinel dropped');
    expect(heardElsewhere).toHaveLength(heard);
  });

  it('the adapters declare so: their commits publish and fill the cache', () => {
    expect(adapters.capabilities).toMatchObject({ commitPublishes: true, commitFillsCache: true, cacheShared: true });
  });

  it('publishes a committed batch once, from the script; publish() then only hands it out here', async () => {
    const auction = ScriptedAuction.create();
    const home = partitionOf(auction.id, PARTITIONS);
    const message = messageOf(home, 'committed');
    await adapters.store.commit({ ...commitBatchOf(home, 1, [auction]), broadcast: message });
    const sent = await sentinel(home);
    expect(sent).toHaveLength(1);
    await eventually(async () => heardElsewhere.length === 1, 5_000, 'the other process');
    expect(heardElsewhere[0]).toEqual(message);

    await adapters.broadcaster.publish(message);
    expect(heardHere).toContain(message);
    expect(await sentinel(home)).toEqual([]);
  });

  it('publishes nothing for a refused commit, nor for the same batch sent again', async () => {
    const auction = ScriptedAuction.create();
    const home = partitionOf(auction.id, PARTITIONS);
    const lease = await adapters.lock.acquire(`partition:${home}`, 'owner', 10_000);
    const token = lease?.token ?? 0;
    const batch = { ...commitBatchOf(home, token, [auction]), broadcast: messageOf(home, 'first') };
    await adapters.store.commit(batch);
    expect(await sentinel(home)).toHaveLength(1);
    await adapters.store.commit({ ...batch, broadcast: messageOf(home, 'again') });
    expect(await sentinel(home)).toEqual([]);

    auction.bid('bob', 2_000);
    const stale = { ...commitBatchOf(home, token - 1, [auction]), broadcast: messageOf(home, 'stale') };
    await expect(adapters.store.commit(stale)).rejects.toSatisfy(
      (error: unknown) => isOutcryError(error) && error.code === 'STALE_OWNER',
    );
    expect(await sentinel(home)).toEqual([]);
    if (lease !== null) await adapters.lock.release(lease);
  });

  it("a house on the adapters sends no PUBLISH of its own: another process hears each batch's events once", async () => {
    const house = createAuctionHouse({ backend: adapters, partitions: PARTITIONS });
    await house.start();
    try {
      const heard: string[] = [];
      const unsubscribe = await elsewhere.subscribe([0, 1, 2, 3], (message) => {
        for (const event of message.events) heard.push(`${event.auctionId}:${event.seq}:${event.type}`);
      });
      const before = await publishCalls(redis);
      const auction = await house.createAuction({
        sellerId: 'seller',
        title: 'Lot',
        currency: 'USD',
        startingPrice: 1_000,
        endsAt: Date.now() + 60_000,
      });
      for (const [i, amount] of [1_000, 1_500, 2_000].entries())
        await house.placeBid({ auctionId: auction.id, bidderId: `bidder-${i}`, amount });
      await eventually(async () => heard.filter((e) => e.endsWith('bid.accepted')).length === 3, 5_000, 'the bids');
      expect(new Set(heard).size).toBe(heard.length);
      // Four commits, each publishing from inside its script: PUBLISH calls, and no more.
      expect((await publishCalls(redis)) - before).toBe(4);
      await unsubscribe();
    } finally {
      await house.stop();
    }
  });
});

/** PUBLISH calls the server ran so far, scripts' included. */
async function publishCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  return Number(/cmdstat_publish:calls=(\d+)/.exec(info)?.[1] ?? 0);
}
