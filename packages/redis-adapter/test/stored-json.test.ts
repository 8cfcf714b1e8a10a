import { partitionOf } from '@outcry/core/adapter-kit';
import { commitBatchOf, ScriptedAuction } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters } from '../src/create-redis-adapters.js';
import { RedisKeys } from '../src/keys.js';
import { encodeLiveState, withSpec } from '../src/stored-json.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the stored-format tests');
const PARTITIONS = 4;

describe('a state read back from its live part and its spec', () => {
  it('is the state written, its fields in the engine\'s order, the spec the one given', () => {
    const auction = ScriptedAuction.create();
    auction.bid('alice', 1_500);
    const { state } = auction;
    const read = withSpec(encodeLiveState(state), state.spec);
    expect(read).toEqual(state);
    expect(JSON.stringify(read)).toBe(JSON.stringify(state));
    expect(read.spec).toBe(state.spec);
  });

  it('is the spec alone when the live part has no fields', () => {
    const { spec } = ScriptedAuction.create().state;
    expect(withSpec('{}', spec)).toEqual({ spec });
  });
});

describe.skipIf(!up)('values a commit writes', () => {
  let redis: Redis;
  const prefix = uniquePrefix('stored-json:');
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('leave out what their key says: the spec after create, the auctionId, the bidId', async () => {
    const adapters = createRedisAdapters({ redis, prefix, partitions: PARTITIONS });
    const auction = ScriptedAuction.create();
    const home = partitionOf(auction.id, PARTITIONS);
    const created = commitBatchOf(home, 1, [auction]);
    await adapters.store.commit(created);
    auction.bid('alice', 1_500);
    const batch = commitBatchOf(home, 1, [auction]);
    await adapters.store.commit(batch);
    const keys = new RedisKeys(prefix, PARTITIONS);
    const live = JSON.parse((await redis.get(keys.state(home, auction.id))) as string);
    expect(live.spec).toBeUndefined();
    expect(live.seq).toBe(2);
    expect(JSON.parse((await redis.get(keys.spec(home, auction.id))) as string)).toEqual(auction.state.spec);
    const rawEntry = JSON.parse((await redis.lindex(keys.ledger(home, auction.id), 1)) as string);
    expect(rawEntry.auctionId).toBeUndefined();
    expect(rawEntry.command.type).toBe('bid');
    expect(rawEntry.command.auctionId).toBeUndefined();
    const bidId = (batch.outcomes[0] as { bidId: string }).bidId;
    const rawOutcome = JSON.parse((await redis.hget(keys.outcomes(home), bidId)) as string);
    expect(rawOutcome.bidId).toBeUndefined();
    expect(rawOutcome.outcome.status).toBe('accepted');
    expect(rawOutcome.outcome.bidId).toBeUndefined();
    // Read back whole through the store.
    const [read] = await adapters.store.getMany([auction.id]);
    expect(read).toEqual(auction.state);
    expect(JSON.stringify(read)).toBe(JSON.stringify(auction.state));
    expect(await adapters.store.getLedger(auction.id, { afterSeq: 0, limit: 10 })).toEqual([
      ...created.entries,
      ...batch.entries,
    ]);
    const [stored] = await adapters.store.getOutcomes([bidId]);
    expect(stored).toEqual(batch.outcomes[0]);
    // Read back in the engine's field order too, as the API writes them out.
    const [, bid] = await adapters.store.getLedger(auction.id, { afterSeq: 0, limit: 10 });
    expect(JSON.stringify(bid?.command)).toBe(JSON.stringify(batch.entries[0]?.command));
    expect(JSON.stringify(stored?.outcome)).toBe(JSON.stringify(batch.outcomes[0]?.outcome));
    await adapters.close();
  });
});
