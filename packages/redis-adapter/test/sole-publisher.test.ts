import { type AuctionEvent, type AuctionHouse, type BidJudging, createAuctionHouse } from '@outcry/core';
import { type BroadcastMessage, partitionOf } from '@outcry/core/adapter-kit';
import { eventually } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters, type RedisAdapters } from '../src/create-redis-adapters.js';
import { RedisKeys } from '../src/keys.js';
import { RedisBroadcaster } from '../src/redis-broadcaster.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the sole publisher tests');
const PARTITIONS = 4;
const ALL = Array.from({ length: PARTITIONS }, (_, p) => p);

/** A message whose one event names `id` as its auction. */
const messageOf = (partition: number, id: string): BroadcastMessage => ({
  partition,
  origin: 'another-house',
  events: [{ type: 'auction.cancelled', auctionId: id, seq: 1, at: 1, reason: id } as AuctionEvent],
  snapshots: [],
});

const idsOf = (messages: readonly BroadcastMessage[]) => messages.flatMap((m) => m.events.map((e) => e.auctionId));

describe.skipIf(!up)('a partition this process alone publishes for is not listened to', () => {
  const prefix = uniquePrefix('sole-publisher:');
  const keys = new RedisKeys(prefix, PARTITIONS);
  let redis: Redis;
  let admin: Redis;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    admin = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deletePrefix(admin, prefix);
    await redis.quit();
    await admin.quit();
  });

  /** The partitions whose channels some connection listens to on the server. */
  const listened = async (): Promise<number[]> => {
    const channels = await admin.pubsub('CHANNELS', `${prefix}*`);
    return ALL.filter((p) => (channels as string[]).includes(keys.channel(p)));
  };

  it('stops hearing other processes on it, still hands its own messages out here, and hears them again when told', async () => {
    const broadcaster = new RedisBroadcaster({ redis, keys });
    const other = new RedisBroadcaster({ redis, keys });
    const heard: BroadcastMessage[] = [];
    try {
      await broadcaster.subscribe(ALL, (message) => heard.push(message));
      await broadcaster.setSolePublisher(1, true);
      expect(await listened()).toEqual([0, 2, 3]);
      await other.publish(messageOf(1, 'while-sole'));
      await broadcaster.publish(messageOf(1, 'own'));
      await other.publish(messageOf(2, 'beside'));
      await eventually(async () => idsOf(heard).includes('beside'), 5_000, 'the message on partition 2');
      expect(idsOf(heard)).toEqual(['own', 'beside']);
      await broadcaster.setSolePublisher(1, false);
      expect(await listened()).toEqual(ALL);
      await other.publish(messageOf(1, 'after'));
      await eventually(async () => idsOf(heard).includes('after'), 5_000, 'the message after');
      // A new subscription that names a sole partition does not listen to it either.
      await broadcaster.setSolePublisher(3, true);
      await broadcaster.subscribe([3], () => undefined);
      expect(await listened()).toEqual([0, 1, 2]);
    } finally {
      await broadcaster.close();
      await other.close();
    }
    await eventually(async () => (await listened()).length === 0, 5_000, 'no channel listened after close');
  });

  /** A message for watchers only: no other house's callers wait for it. */
  const eventsOnly = (partition: number, title: string): BroadcastMessage => ({
    partition,
    origin: 'another-house',
    events: [{ type: 'auction.cancelled', auctionId: title, seq: 1, at: 1, reason: title } as AuctionEvent],
    snapshots: [],
  });
  /** What a plain connection hears on a partition's channel. */
  const rawListener = async (partition: number) => {
    const connection = new Redis(REDIS_URL);
    const payloads: string[] = [];
    connection.on('message', (_channel: string, payload: string) => payloads.push(payload));
    await connection.subscribe(keys.channel(partition));
    return { payloads, close: () => connection.disconnect() };
  };

  /** Publishes on the partition until the broadcaster leaves a message unsent (its first look is back). */
  const untilUnsent = (
    broadcaster: RedisBroadcaster,
    partition: number,
    publish = (message: BroadcastMessage) => broadcaster.publish(message),
  ) =>
    eventually(
      async () => {
        const unsent = broadcaster.unpublished;
        await publish(eventsOnly(partition, 'unheard'));
        return broadcaster.unpublished > unsent;
      },
      5_000,
      'a message left unsent',
    );

  /** `other` subscribes to the partition: `broadcaster`'s next message there is sent, and reaches it. */
  const sentOnceSubscribed = async (
    broadcaster: RedisBroadcaster,
    other: RedisBroadcaster,
    partition: number,
    id: string,
  ): Promise<BroadcastMessage[]> => {
    const heard: BroadcastMessage[] = [];
    await other.subscribe([partition], (message) => heard.push(message));
    const unsent = broadcaster.unpublished;
    await broadcaster.publish(messageOf(partition, id));
    expect(broadcaster.unpublished).toBe(unsent);
    await eventually(async () => idsOf(heard).includes(id), 5_000, `the message ${id}`);
    return heard;
  };

  it('sends a sole partition nothing while nobody listens, and again once somebody does', async () => {
    const broadcaster = new RedisBroadcaster({ redis, keys, listenerCheckMs: 50 });
    const heard: BroadcastMessage[] = [];
    let publishedOn2 = 0;
    const publish = (message: BroadcastMessage) => {
      if (message.partition === 2) publishedOn2++;
      return broadcaster.publish(message);
    };
    try {
      await broadcaster.subscribe(ALL, (message) => heard.push(message));
      await broadcaster.setSolePublisher(2, true);
      await untilUnsent(broadcaster, 2, publish);
      // Other partitions are sent to as before.
      const unsent = broadcaster.unpublished;
      await publish(eventsOnly(0, 'not sole'));
      expect(broadcaster.unpublished).toBe(unsent);
      const listener = await rawListener(2);
      try {
        await eventually(
          async () => {
            await publish(eventsOnly(2, 'heard'));
            return listener.payloads.some((payload) => payload.includes('heard'));
          },
          5_000,
          'a message sent once somebody listens',
        );
      } finally {
        listener.close();
      }
      // This process's own subscribers got every message it published there, sent or not.
      expect(heard.filter((m) => m.partition === 2)).toHaveLength(publishedOn2);
    } finally {
      await broadcaster.close();
    }
  });

  it('sends again as soon as another broadcaster has subscribed, and everything while a pattern subscription exists', async () => {
    // Looks only when made sole: whoever subscribes afterwards is not seen by a look.
    const broadcaster = new RedisBroadcaster({ redis, keys, listenerCheckMs: 600_000 });
    const other = new RedisBroadcaster({ redis: admin, keys });
    // The connections of the tests before are gone from the server first.
    await eventually(async () => (await listened()).length === 0, 5_000, 'no channel listened');
    try {
      await broadcaster.setSolePublisher(3, true);
      await untilUnsent(broadcaster, 3);
      const listener = await rawListener(3);
      try {
        // A plain connection is seen only by a look.
        await broadcaster.publish(eventsOnly(3, 'unseen listener'));
        // A broadcaster says it listens, and its subscribe resolves once the sole publisher knows.
        const heard = await sentOnceSubscribed(broadcaster, other, 3, 'after subscribe');
        expect(idsOf(heard)).toEqual(['after subscribe']);
        expect(listener.payloads.some((payload) => payload.includes('unseen listener'))).toBe(false);
      } finally {
        listener.close();
        await other.close();
      }
      const patterns = new Redis(REDIS_URL);
      try {
        await patterns.psubscribe(`${prefix}*`);
        // Made sole again: a look now, which sees the pattern.
        await broadcaster.setSolePublisher(3, true);
        await eventually(
          async () => {
            const unsent = broadcaster.unpublished;
            await broadcaster.publish(eventsOnly(3, 'pattern'));
            return broadcaster.unpublished === unsent;
          },
          5_000,
          'a message sent while a pattern is subscribed',
        );
      } finally {
        patterns.disconnect();
      }
    } finally {
      await broadcaster.close();
    }
  });

  it('a house stops listening to its partitions once it has committed on them, and its own listeners still hear every event', async () => {
    const adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    const house = createAuctionHouse({ backend: adapters, partitions: PARTITIONS });
    // A listener of every auction: the house listens to every partition until it publishes alone.
    const off = house.on('bid.accepted', () => undefined);
    await house.start();
    try {
      expect(await listened()).toEqual(ALL);
      const now = Date.now();
      const auctions: Array<{ id: string }> = [];
      for (let i = 0; auctions.length < PARTITIONS; i++) {
        const auction = await house.createAuction({
          sellerId: 'seller',
          title: `Lot ${i}`,
          currency: 'USD',
          startingPrice: 1_000,
          endsAt: now + 60_000,
        });
        if (!auctions.some((a) => partitionOf(a.id, PARTITIONS) === partitionOf(auction.id, PARTITIONS))) {
          auctions.push(auction);
        }
      }
      await eventually(async () => (await listened()).length === 0, 5_000, 'every partition unlistened');
      off();
      const events: AuctionEvent[] = [];
      for (const auction of auctions) house.subscribe(auction.id, (event) => events.push(event));
      for (const auction of auctions) await house.placeBid({ auctionId: auction.id, bidderId: 'ann', amount: 1_000 });
      expect(events.filter((event) => event.type === 'bid.accepted')).toHaveLength(PARTITIONS);
      // Nobody else listens: the commits' messages stayed in this process.
      let amount = 5_000;
      await eventually(
        async () => {
          amount += 10;
          const before = adapters.broadcaster.unpublished;
          await house.placeBid({ auctionId: (auctions[0] as { id: string }).id, bidderId: 'bob', amount });
          return adapters.broadcaster.unpublished > before;
        },
        5_000,
        'a commit that published nothing',
      );
    } finally {
      await house.stop();
      await adapters.close();
    }
  });

  it('publishing beside others: keeps hearing them, sends its own nothing while nobody else listens, and again once somebody does', async () => {
    const broadcaster = new RedisBroadcaster({ redis, keys, listenerCheckMs: 50 });
    const other = new RedisBroadcaster({ redis: admin, keys });
    await eventually(async () => (await listened()).length === 0, 5_000, 'no channel listened');
    const heard: BroadcastMessage[] = [];
    try {
      await broadcaster.setPublishing(1, true);
      await untilUnsent(broadcaster, 1);
      // Its own subscribers keep listening outside this process: other publishers' messages reach them.
      await broadcaster.subscribe([1], (message) => heard.push(message));
      expect(await listened()).toEqual([1]);
      await other.publish(messageOf(1, 'from another'));
      await eventually(async () => idsOf(heard).includes('from another'), 5_000, "the other publisher's message");
      const heardBefore = heard.length;
      // Another process listening makes it send: its subscribe resolves once this one knows.
      await sentOnceSubscribed(broadcaster, other, 1, 'now heard');
      // Its own subscribers had it at once, and not again from Redis.
      expect(idsOf(heard.slice(heardBefore))).toEqual(['now heard']);
      await other.close();
      await untilUnsent(broadcaster, 1);
      // No longer publishing there: everything is sent again.
      await broadcaster.setPublishing(1, false);
      const before = broadcaster.unpublished;
      await broadcaster.publish(eventsOnly(1, 'sent'));
      expect(broadcaster.unpublished).toBe(before);
    } finally {
      await broadcaster.close();
      await other.close();
    }
  });

  /** Two houses on this prefix, each with adapters of its own, started; stopped and closed after `run`. */
  const withTwoHouses = async (
    bidJudging: BidJudging,
    run: (houses: { houseA: AuctionHouse; houseB: AuctionHouse; first: RedisAdapters }) => Promise<void>,
  ) => {
    const first = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    const second = createRedisAdapters({ redis: new Redis(REDIS_URL), prefix, partitions: PARTITIONS });
    const options = { partitions: PARTITIONS, leaseTtlMs: 600, bidJudging };
    const houseA = createAuctionHouse({ ...options, backend: first });
    const houseB = createAuctionHouse({ ...options, backend: second });
    await houseA.start();
    await houseB.start();
    try {
      await run({ houseA, houseB, first });
    } finally {
      await houseA.stop();
      await houseB.stop();
      await first.close();
      await second.close();
      await second.redis.quit();
    }
  };

  it('of two houses judging bids where they land, each hears the other and leaves unheard events unsent', async () => {
    await withTwoHouses('anywhere', async ({ houseA, houseB, first }) => {
      const unpublished = () => (first.broadcaster as RedisBroadcaster).unpublished;
      const now = Date.now();
      const auctions: { id: string }[] = [];
      for (let i = 0; i < 8; i++)
        auctions.push(
          await houseA.createAuction({
            sellerId: 'seller',
            title: `Lot ${i}`,
            currency: 'USD',
            startingPrice: 1_000,
            endsAt: now + 60_000,
          }),
        );
      // Nobody listens anywhere: the bids A judges publish nothing once its census has looked.
      let round = 0;
      /** Each round outbids the last on every auction. */
      const amount = () => 1_000 + 1_000 * round;
      await eventually(
        async () => {
          const before = unpublished();
          round++;
          for (const auction of auctions)
            await houseA.placeBid({ auctionId: auction.id, bidderId: 'ann', amount: amount() });
          return unpublished() > before;
        },
        5_000,
        'events nobody hears left unsent',
      );
      // B listens now: every bid A judges from then on reaches it.
      const heardByB: string[] = [];
      const off = houseB.on('bid.accepted', (event) => heardByB.push(event.bidId));
      await off.ready;
      const placed: string[] = [];
      round++;
      for (const auction of auctions) {
        const outcome = await houseA.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: amount() });
        if (outcome.status !== 'accepted') throw new Error(`bid ${outcome.status}`);
        placed.push(outcome.bidId);
      }
      await eventually(async () => placed.every((id) => heardByB.includes(id)), 5_000, 'every bid of A heard by B');
    });
  });

  it('of two houses sharing the partitions, each hears the events of the other and not its own echo', async () => {
    await withTwoHouses('owner', async ({ houseA, houseB }) => {
      // Houses share the partitions out over a few lease periods.
      await eventually(
        async () => houseA.metrics().partitions.owned.length === 2 && houseB.metrics().partitions.owned.length === 2,
        10_000,
        'two partitions each',
      );
      const heardByA: string[] = [];
      const heardByB: string[] = [];
      houseA.on('bid.accepted', (event) => heardByA.push(event.bidId));
      houseB.on('bid.accepted', (event) => heardByB.push(event.bidId));
      const placed: string[] = [];
      const now = Date.now();
      for (let i = 0; i < 12; i++) {
        const house = i % 2 === 0 ? houseA : houseB;
        const auction = await house.createAuction({
          sellerId: 'seller',
          title: `Lot ${i}`,
          currency: 'USD',
          startingPrice: 1_000,
          endsAt: now + 60_000,
        });
        const outcome = await house.placeBid({ auctionId: auction.id, bidderId: 'ann', amount: 1_000 });
        if (outcome.status !== 'accepted') throw new Error(`bid ${outcome.status}`);
        placed.push(outcome.bidId);
      }
      await eventually(async () => heardByA.length >= 12 && heardByB.length >= 12, 5_000, 'every bid heard by both');
      expect(heardByA.sort()).toEqual([...placed].sort());
      expect(heardByB.sort()).toEqual([...placed].sort());
      const owned = [...houseA.metrics().partitions.owned, ...houseB.metrics().partitions.owned].sort();
      expect(owned).toEqual(ALL);
    });
  });
});
