import type { AuctionEvent } from '@outcry/core';
import type { BroadcastMessage } from '@outcry/core/adapter-kit';
import { eventually } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../src/keys.js';
import { RedisBroadcaster } from '../src/redis-broadcaster.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the broadcaster reconnect test');

/** A message whose one event names `id` as its auction. */
const messageOf = (partition: number, id: string): BroadcastMessage => ({
  partition,
  origin: 'another-house',
  events: [{ type: 'auction.cancelled', auctionId: id, seq: 1, at: 1, reason: id } as AuctionEvent],
  snapshots: [],
});

describe.skipIf(!up)('a broadcaster whose subscriber connection comes back', () => {
  const prefix = uniquePrefix('broadcaster-reconnect:');
  const keys = new RedisKeys(prefix, 8);
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  it('subscribes every channel it listens to again, also one ioredis no longer knew of', async () => {
    const client = new Redis(REDIS_URL);
    const publisher = new Redis(REDIS_URL);
    // The subscriber connection the broadcaster makes with duplicate(), kept to act on it.
    let subscriber: Redis | null = null;
    const duplicate = client.duplicate.bind(client);
    client.duplicate = ((...args: Parameters<Redis['duplicate']>) => {
      subscriber = duplicate(...args);
      return subscriber;
    }) as Redis['duplicate'];
    const broadcaster = new RedisBroadcaster({ redis: client, keys });
    const other = new RedisBroadcaster({ redis: publisher, keys });
    const heard: string[] = [];
    // The partitions' channels (the listeners channel, subscribed beside them, is left out).
    const listened = async () =>
      ((await admin.pubsub('CHANNELS', `${prefix}*`)) as string[]).filter((c) => c !== keys.listeners()).sort();
    try {
      await broadcaster.subscribe([0, 1], (message) => heard.push(...message.events.map((e) => e.auctionId)));
      expect(await listened()).toEqual([keys.channel(0), keys.channel(1)]);
      // A subscription lost with a connection that dropped before it was ready: ioredis restores
      // only what its last ready connection had, which no longer includes partition 1's channel.
      const connection = subscriber as Redis | null;
      if (connection === null) throw new Error('the broadcaster made no subscriber connection');
      await connection.unsubscribe(keys.channel(1));
      expect(await listened()).toEqual([keys.channel(0)]);
      connection.disconnect(true);
      await eventually(async () => (await listened()).length === 2, 5_000, 'both channels subscribed again');
      await other.publish(messageOf(1, 'after-reconnect'));
      await eventually(() => heard.includes('after-reconnect'), 5_000, 'the message on partition 1');
    } finally {
      await broadcaster.close();
      await other.close();
      await client.quit();
      await publisher.quit();
    }
  });
});
