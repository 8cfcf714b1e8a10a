import { type AuctionHouse, createAuctionHouse, isOutcryError } from '@outcry/core';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters, type RedisAdapters } from '../src/create-redis-adapters.js';
import { RedisKeys } from '../src/keys.js';
import { defineScripts } from '../src/lua-scripts.js';
import { RedisBidQueue } from '../src/redis-bid-queue.js';
import { checkAuctions, createAuctions } from './support/auction-checks.js';
import { deletePrefix, eventually, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the hand-over test');
const PARTITIONS = 8;
/** Far below the default 30 s: a command stranded by a hand-over fails the run instead of waiting. */
const ANSWER_TIMEOUT_MS = 4_000;

interface Member {
  readonly adapters: RedisAdapters;
  readonly house: AuctionHouse;
  running: boolean;
}

describe.skipIf(!up)('houses joining and leaving while bids flow through all of them', () => {
  let redis: Redis;
  const prefix = uniquePrefix('handover:');
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('answers every bid in time, through every hand-over, and loses none', async () => {
    const auctionIds = await createAuctions(redis, prefix, PARTITIONS, 16, 60_000);
    const members: Member[] = [];
    const join = async () => {
      const adapters = createRedisAdapters({ redis: new Redis(REDIS_URL), prefix, partitions: PARTITIONS });
      const house = createAuctionHouse({
        backend: adapters,
        partitions: PARTITIONS,
        leaseTtlMs: 600,
        answerTimeoutMs: ANSWER_TIMEOUT_MS,
      });
      await house.start();
      members.push({ adapters, house, running: true });
    };
    const leave = async (member: Member) => {
      member.running = false;
      await member.house.stop();
      await member.adapters.close();
      await member.adapters.redis.quit();
    };

    const accepted: string[] = [];
    const failures: string[] = [];
    const amounts = new Map<string, number>();
    let bidding = true;
    const caller = async (lane: number) => {
      while (bidding) {
        const live = members.filter((member) => member.running);
        const member = live[Math.floor(Math.random() * live.length)];
        const auctionId = auctionIds[Math.floor(Math.random() * auctionIds.length)] as string;
        if (member === undefined) break;
        const amount = (amounts.get(auctionId) ?? 1_000) + 1 + Math.floor(Math.random() * 3);
        amounts.set(auctionId, amount);
        try {
          const outcome = await member.house.placeBid({ auctionId, bidderId: `bidder-${lane}`, amount });
          if (outcome.status === 'accepted') accepted.push(outcome.bidId);
          // Light traffic: partitions fall idle between bids, so their queue reads block, as in
          // a quiet hour; a read left blocked by a house that handed its partition over is what
          // once took the next owner's commands.
          await new Promise((resolve) => setTimeout(resolve, 10));
        } catch (error) {
          // A house that began to stop after it was picked refuses new bids: the caller goes elsewhere.
          if (isOutcryError(error) && error.code === 'SHUTTING_DOWN') continue;
          failures.push(String(error));
        }
      }
    };

    await join();
    const callers = Array.from({ length: 6 }, (_, lane) => caller(lane));
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Each step moves partitions between houses: a house joins or leaves every ~1.2 s.
    await pause(800);
    await join();
    await pause(1_200);
    await join();
    await pause(1_200);
    await leave(members[0] as Member);
    await pause(1_200);
    await leave(members[1] as Member);
    await pause(1_200);
    bidding = false;
    await Promise.all(callers);
    await leave(members[2] as Member);

    expect(failures).toEqual([]);
    expect(accepted.length).toBeGreaterThan(100);
    const adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    const ledgerBids = await checkAuctions(adapters.store, auctionIds, accepted, false);
    expect(ledgerBids).toBe(accepted.length);
    await adapters.close();
  }, 60_000);

  it("takes over what a frozen process's read was given after the owner's first claim", async () => {
    const ghostPrefix = uniquePrefix('handover-ghost:');
    const keys = new RedisKeys(ghostPrefix);
    // A process that froze while its read waited in Redis: the read takes the next entry, and
    // nobody acknowledges it. It blocks before the owner's read, so Redis serves it first.
    const ghostClient = new Redis(REDIS_URL);
    defineScripts(ghostClient);
    const ghost = new RedisBidQueue({ redis: ghostClient, keys });
    const ghostRead = ghost.read(0, 'frozen-house', { max: 10, blockMs: 20_000 }).catch(() => []);
    await eventually(
      async () => ((await redis.call('CLIENT', 'LIST', 'TYPE', 'normal')) as string).includes('cmd=xreadgroup'),
      5_000,
      "the ghost's read blocked",
    );
    const ownerAdapters = createRedisAdapters({ redis: new Redis(REDIS_URL), prefix: ghostPrefix, partitions: 1 });
    const owner = createAuctionHouse({ backend: ownerAdapters, partitions: 1, staleEntryMs: 600 });
    const callerAdapters = createRedisAdapters({ redis: new Redis(REDIS_URL), prefix: ghostPrefix, partitions: 1 });
    const caller = createAuctionHouse({ backend: callerAdapters, partitions: 1, answerTimeoutMs: 8_000 });
    try {
      await owner.start();
      await caller.start();
      expect(owner.metrics().partitions.owned).toEqual([0]);
      expect(caller.metrics().partitions.owned).toEqual([]);
      // Routed through the queue to the owner; the ghost's read takes it first.
      const started = Date.now();
      const auction = await caller.createAuction({
        sellerId: 'seller',
        title: 'Lot',
        currency: 'USD',
        startingPrice: 1_000,
        endsAt: Date.now() + 60_000,
      });
      expect(auction.status).toBe('open');
      const pending = (await redis.xpending(keys.stream(0), 'sequencers', '-', '+', 10)) as unknown[][];
      expect(pending).toEqual([]);
      // Taken over after it had been idle 600 ms, well before the caller's 8 s.
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await caller.stop();
      await owner.stop();
      await callerAdapters.close();
      await ownerAdapters.close();
      await callerAdapters.redis.quit();
      await ownerAdapters.redis.quit();
      await ghost.close();
      await ghostRead;
      ghostClient.disconnect();
      await deletePrefix(redis, ghostPrefix);
    }
  }, 30_000);
});
