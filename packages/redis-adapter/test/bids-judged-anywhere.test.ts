import { type AuctionHouse, type BidOutcome, createAuctionHouse } from '@outcry/core';
import { eventually } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters, type RedisAdapters } from '../src/create-redis-adapters.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the tests of bids judged where they land');
const PARTITIONS = 4;

describe.skipIf(!up)("bidJudging: 'anywhere' on Redis", () => {
  const prefix = uniquePrefix('anywhere:');
  let admin: Redis;
  const opened: Array<{ house: AuctionHouse; adapters: RedisAdapters; redis: Redis }> = [];

  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  afterEach(async () => {
    for (const { house, adapters, redis } of opened.splice(0)) {
      await house.stop();
      await adapters.close();
      await redis.quit();
    }
  });
  afterAll(async () => {
    await deletePrefix(admin, prefix);
    await admin.quit();
  });

  async function openHouse(run: string, houseId: string, partitionsWanted: number): Promise<AuctionHouse> {
    const redis = new Redis(REDIS_URL);
    const adapters = createRedisAdapters({ redis, prefix: `${prefix}${run}:`, partitions: PARTITIONS });
    const house = createAuctionHouse({ backend: adapters, houseId, bidJudging: 'anywhere', leaseTtlMs: 2_000 });
    opened.push({ house, adapters, redis });
    await house.start();
    await eventually(
      async () => house.metrics().partitions.owned.length >= partitionsWanted,
      10_000,
      `${houseId} owns ${partitionsWanted} partitions`,
    );
    return house;
  }

  const lot = (house: AuctionHouse, endsAt: number, softCloseMs = 0) =>
    house.createAuction({
      sellerId: 'seller',
      title: 'A lot',
      currency: 'EUR',
      startingPrice: 100,
      increment: { type: 'fixed', amount: 1 },
      endsAt,
      ...(softCloseMs > 0 ? { softClose: { windowMs: softCloseMs, extendMs: softCloseMs } } : {}),
    });

  it('judges in each house the bids on auctions another house owns, and two houses racing on the same auctions lose and double nothing', async () => {
    const owner = await openHouse('race', 'owner', PARTITIONS);
    const auctions = await Promise.all([0, 1].map(() => lot(owner, Date.now() + 600_000)));
    const guest = await openHouse('race', 'guest', 0);
    expect(guest.metrics().partitions.owned).toEqual([]);
    const houses = [owner, guest];
    const accepted = new Map<string, string[]>();
    // Every house bids on both auctions at once, each bid above the last this caller sent: many
    // commits of the two houses land on the same auction in the same moment.
    await Promise.all(
      houses.flatMap((house, h) =>
        Array.from({ length: 10 }, async (_, lane) => {
          for (let round = 0; round < 15; round++) {
            const auction = auctions[(lane + round) % auctions.length];
            if (auction === undefined) throw new Error('no auction');
            const outcome: BidOutcome = await house.placeBid({
              auctionId: auction.id,
              bidderId: `h${h}-${lane}`,
              amount: 101 + round * 100 + lane * 5 + h,
            });
            if (outcome.status === 'accepted') {
              const ids = accepted.get(auction.id) ?? [];
              ids.push(outcome.bidId);
              accepted.set(auction.id, ids);
            }
          }
        }),
      ),
    );
    expect(guest.metrics().queue.direct + guest.metrics().queue.queued).toBe(0);
    expect(guest.metrics().queue.inMemory).toBe(150);
    for (const auction of auctions) {
      const ledger = await owner.getLedger(auction.id, { afterSeq: 0, limit: 1_000 });
      const bidIds = ledger.flatMap((entry) => ('bidId' in entry.command ? [entry.command.bidId] : []));
      expect(new Set(bidIds).size).toBe(bidIds.length);
      expect([...bidIds].sort()).toEqual([...(accepted.get(auction.id) ?? [])].sort());
      expect(ledger.map((entry) => entry.seq)).toEqual(ledger.map((_, i) => i + 1));
      // Each accepted bid raised the price over the one before it: no house judged on an old state.
      const prices = ledger.slice(1).map((entry) => entry.price);
      for (let i = 1; i < prices.length; i++) expect(prices[i]).toBeGreaterThanOrEqual(prices[i - 1] as number);
      const view = await guest.getAuction(auction.id);
      expect(view?.price).toBe(ledger.at(-1)?.price);
    }
  });

  it('has the owner close at the end a bid judged in another house moved', async () => {
    const owner = await openHouse('soft-close', 'owner', PARTITIONS);
    const auction = await lot(owner, Date.now() + 1_500, 1_500);
    const guest = await openHouse('soft-close', 'guest', 0);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const bid = await guest.placeBid({ auctionId: auction.id, bidderId: 'late', amount: 150 });
    expect(bid.status).toBe('accepted');
    const extended = await guest.getAuction(auction.id);
    expect(extended?.endsAt).toBeGreaterThan(auction.endsAt);
    const endsAt = extended?.endsAt as number;
    await eventually(async () => (await owner.getAuction(auction.id))?.status === 'closed', 10_000, 'closed');
    const closed = await owner.getAuction(auction.id);
    expect(closed?.endsAt).toBe(endsAt);
    expect(closed?.leaderId).toBe('late');
    const history = await owner.getLedger(auction.id, { afterSeq: 0, limit: 10 });
    const closing = history.find((entry) => entry.command.type === 'close');
    expect(closing?.command.receivedAt).toBeGreaterThanOrEqual(endsAt);
  });

  it('answers a bidId sent to two houses at once with one outcome, kept once', async () => {
    const owner = await openHouse('repeat', 'owner', PARTITIONS);
    const auction = await lot(owner, Date.now() + 600_000);
    const guest = await openHouse('repeat', 'guest', 0);
    const bid = { auctionId: auction.id, bidderId: 'twice', amount: 130, bidId: 'the-one-bid' };
    const [first, second] = await Promise.all([owner.placeBid(bid), guest.placeBid(bid)]);
    expect(first).toEqual(second);
    expect(first?.status).toBe('accepted');
    const ledger = await owner.getLedger(auction.id, { afterSeq: 0, limit: 10 });
    expect(ledger.filter((entry) => entry.command.type === 'bid')).toHaveLength(1);
  });
});
