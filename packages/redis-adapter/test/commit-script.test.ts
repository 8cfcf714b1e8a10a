import { isOutcryError } from '@outcry/core';
import { commitBatchOf, ScriptedAuction } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../src/keys.js';
import { defineScripts } from '../src/lua-scripts.js';
import { RedisAuctionStore } from '../src/redis-auction-store.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the commit script tests');
/** Above the script's chunk of 200 values per call, so every chunked call runs more than once. */
const MANY = 450;

describe.skipIf(!up)('the commit script on batches larger than one chunk of values', () => {
  let redis: Redis;
  const prefix = uniquePrefix('commit-script:');
  let store: RedisAuctionStore;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    defineScripts(redis);
    // One partition: every auction is at home in it.
    store = new RedisAuctionStore({ redis, keys: new RedisKeys(prefix, 1), partitions: 1 });
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('writes states, ledgers, outcomes and listings of many auctions in one commit', async () => {
    const auctions = Array.from({ length: MANY }, () => ScriptedAuction.create());
    for (const [i, auction] of auctions.entries()) auction.bid(`bidder-${i}`, 1_000 + i);
    const batch = commitBatchOf(0, 1, auctions);
    expect(batch.outcomes).toHaveLength(MANY);
    await store.commit(batch);
    expect(await store.getMany(auctions.map((auction) => auction.id))).toEqual(auctions.map((a) => a.state));
    const outcomes = await store.getOutcomes(batch.outcomes.map((outcome) => outcome.bidId));
    expect(outcomes).toEqual(batch.outcomes);
    let listed = 0;
    for (let page = await store.list({ status: 'open', limit: 100 }); ; ) {
      listed += page.items.length;
      if (page.nextCursor === null) break;
      page = await store.list({ status: 'open', limit: 100, cursor: page.nextCursor });
    }
    expect(listed).toBe(MANY);
  });

  it('appends many entries of one auction in order, and refuses a bidId of them sent again', async () => {
    const auction = ScriptedAuction.create();
    for (let i = 0; i < MANY; i++) auction.bid(`bidder-${i % 7}`, 1_000 + 100 * i);
    const batch = commitBatchOf(0, 1, [auction]);
    await store.commit(batch);
    const ledger = await store.getLedger(auction.id, { afterSeq: 0, limit: 10_000 });
    expect(ledger).toEqual(batch.entries);
    const repeated = batch.outcomes[MANY - 1]?.bidId as string;
    auction.bid('late', 10_000_000, repeated);
    const refused = await store.commit(commitBatchOf(0, 1, [auction])).catch((error: unknown) => error);
    expect(isOutcryError(refused) && refused.code === 'STALE_OWNER').toBe(true);
    expect(await store.getLedger(auction.id, { afterSeq: 0, limit: 10_000 })).toHaveLength(batch.entries.length);
  });

  it('writes many outcomes of minted bidIds (freshBidIds) after the looked-up ones, in chunks', async () => {
    const auctions = Array.from({ length: MANY }, () => ScriptedAuction.create());
    for (const [i, auction] of auctions.entries()) auction.bid(`bidder-${i}`, i % 3 === 0 ? 10 : 1_000 + i);
    const batch = commitBatchOf(0, 1, auctions);
    const minted = new Set(batch.outcomes.filter((_, i) => i % 5 !== 0).map((outcome) => outcome.bidId));
    expect(minted.size).toBeGreaterThan(200);
    await store.commit({ ...batch, freshBidIds: minted });
    expect(await store.getOutcomes(batch.outcomes.map((outcome) => outcome.bidId))).toEqual(batch.outcomes);
    expect(await store.getMany(auctions.map((auction) => auction.id))).toEqual(auctions.map((a) => a.state));
  });

  it('takes a batch with minted bidIds sent again after a lost reply as a replay: nothing written twice', async () => {
    const auction = ScriptedAuction.create();
    for (let i = 0; i < 5; i++) auction.bid(`bidder-${i}`, 1_000 + 100 * i);
    const batch = commitBatchOf(0, 1, [auction]);
    const sent = { ...batch, freshBidIds: new Set(batch.outcomes.map((outcome) => outcome.bidId)) };
    await store.commit(sent);
    await store.commit(sent);
    expect(await store.getLedger(auction.id, { afterSeq: 0, limit: 100 })).toEqual(batch.entries);
    expect(await store.getOutcomes(batch.outcomes.map((outcome) => outcome.bidId))).toEqual(batch.outcomes);
  });

  it('commits and reads back values that are not ASCII', async () => {
    const auction = ScriptedAuction.create({ title: 'Vélo ancien — 自転車 🚲' });
    auction.bid('bidder-é', 1_000);
    const batch = commitBatchOf(0, 1, [auction]);
    await store.commit(batch);
    const [state] = await store.getMany([auction.id]);
    expect(state?.spec.title).toBe('Vélo ancien — 自転車 🚲');
    expect(state).toEqual(auction.state);
    expect(await store.getLedger(auction.id, { afterSeq: 0, limit: 10 })).toEqual(batch.entries);
  });

  it('refuses a ledger entry for a bidId judged before, even one rejected then (its outcome is kept)', async () => {
    const auction = ScriptedAuction.create();
    const rejected = auction.bid('bidder-low', 10)?.outcome;
    await store.commit(commitBatchOf(0, 1, [auction]));
    expect(rejected?.outcome.status).toBe('rejected');
    // Only a writer that did not see the first outcome judges the same bidId again.
    auction.bid('bidder-high', 5_000, rejected?.bidId);
    const again = commitBatchOf(0, 1, [auction]);
    const refused = await store.commit(again).catch((error: unknown) => error);
    expect(isOutcryError(refused) && refused.code === 'STALE_OWNER').toBe(true);
    expect(await store.getLedger(auction.id, { afterSeq: 0, limit: 10 })).toHaveLength(1);
    expect(await store.getOutcomes([rejected?.bidId as string])).toEqual([rejected]);
  });

  it("commits through a client with its own keyPrefix under that prefix, as ioredis's other commands", async () => {
    const prefixed = new Redis(REDIS_URL, { keyPrefix: `${prefix}kp:` });
    defineScripts(prefixed);
    const keys = new RedisKeys(prefix, 1);
    const viaPrefix = new RedisAuctionStore({ redis: prefixed, keys, partitions: 1 });
    try {
      const auction = ScriptedAuction.create();
      auction.bid('bidder-a', 1_000);
      await viaPrefix.commit(commitBatchOf(0, 1, [auction]));
      expect(await redis.exists(`${prefix}kp:${keys.state(0, auction.id)}`)).toBe(1);
      expect(await redis.exists(keys.state(0, auction.id))).toBe(0);
      expect(await viaPrefix.getMany([auction.id])).toEqual([auction.state]);
    } finally {
      await prefixed.quit();
    }
  });
});
