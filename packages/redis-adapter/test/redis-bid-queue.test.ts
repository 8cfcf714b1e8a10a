import { queueItem } from '@outcry/core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../src/keys.js';
import { defineScripts } from '../src/lua-scripts.js';
import { RedisBidQueue } from '../src/redis-bid-queue.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the queue tests');

describe.skipIf(!up)('RedisBidQueue beyond the contract', () => {
  const prefix = uniquePrefix('queue:');
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    defineScripts(redis);
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('reports depth, pending and lag', async () => {
    const queue = new RedisBidQueue({ redis, keys: new RedisKeys(prefix, 8) });
    await queue.enqueue(1, [queueItem(1), queueItem(2), queueItem(3)]);
    const [first] = await queue.read(1, 'house-a', { max: 1, blockMs: 0 });
    expect(await queue.stats(1)).toEqual({ depth: 3, pending: 1, lag: 2 });
    await queue.ack(1, [first?.id ?? '']);
    expect(await queue.stats(1)).toEqual({ depth: 2, pending: 0, lag: 2 });
    await queue.close();
  });

  it('release cuts off a blocked read: what is queued after it goes to the next owner, not to the consumer that left', async () => {
    const keys = new RedisKeys(prefix, 8);
    const leaving = new RedisBidQueue({ redis, keys });
    const next = new RedisBidQueue({ redis, keys });
    const partition = 5;
    const waiting = leaving.read(partition, 'house-a', { max: 10, blockMs: 5_000 });
    // The read is blocked in Redis once a reader connection is open and Redis knows the consumer.
    await new Promise((resolve) => setTimeout(resolve, 100));
    leaving.interrupt();
    expect(await waiting).toEqual([]);
    await leaving.release(partition, 'house-a');
    expect(await next.claimStale(partition, 'house-b', 0, 10)).toEqual([]);
    const item = queueItem(7);
    await next.enqueue(partition, [item]);
    const read = await next.read(partition, 'house-b', { max: 10, blockMs: 1_000 });
    expect(read.map((entry) => entry.commandId)).toEqual([item.commandId]);
    const pending = (await redis.xpending(keys.stream(partition), 'sequencers', '-', '+', 10)) as unknown[][];
    expect(pending.map((entry) => entry[1])).toEqual(['house-b']);
    await leaving.close();
    await next.close();
  });

  it('acknowledges entries that are not queue items (another program wrote them) instead of delivering them forever', async () => {
    const keys = new RedisKeys(prefix, 8);
    const queue = new RedisBidQueue({ redis, keys });
    const good = queueItem(1);
    await queue.enqueue(3, [good]);
    for (const junk of ['not json', '{"command":null}', '{"command":{"type":"bid"},"origin":1}'])
      await redis.xadd(keys.stream(3), '*', 'c', junk);
    await queue.enqueue(3, [queueItem(2)]);
    const read = await queue.read(3, 'house-a', { max: 10, blockMs: 0 });
    expect(read.map((entry) => entry.commandId)).toEqual([good.commandId, expect.any(String)]);
    expect(queue.unreadable).toBe(3);
    expect(await queue.stats(3)).toMatchObject({ pending: 2 });
    await queue.ack(
      3,
      read.map((entry) => entry.id),
    );
    expect(await queue.claimStale(3, 'house-b', 0, 10)).toEqual([]);
    expect(await queue.stats(3)).toEqual({ depth: 0, pending: 0, lag: 0 });
    await queue.close();
  });

  it('forgets consumers that hold nothing and have been idle, at a takeover', async () => {
    const keys = new RedisKeys(prefix, 8);
    const queue = new RedisBidQueue({ redis, keys, idleConsumerMs: 50 });
    await queue.enqueue(2, [queueItem(1)]);
    const delivered = await queue.read(2, 'dead-house', { max: 10, blockMs: 0 });
    await redis.call('XGROUP', 'CREATECONSUMER', keys.stream(2), 'sequencers', 'idle-house');
    await new Promise((resolve) => setTimeout(resolve, 80));
    const names = async () =>
      ((await redis.call('XINFO', 'CONSUMERS', keys.stream(2), 'sequencers')) as unknown[][]).map(
        (fields) => fields[1],
      );
    expect((await names()).sort()).toEqual(['dead-house', 'idle-house']);
    // The new owner takes dead-house's entry; then the idle, empty consumers go.
    expect((await queue.claimStale(2, 'new-owner', 0, 10)).map((e) => e.id)).toEqual(delivered.map((e) => e.id));
    await queue.ack(
      2,
      delivered.map((e) => e.id),
    );
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await queue.claimStale(2, 'new-owner', 0, 10)).toEqual([]);
    expect(await names()).toEqual(['new-owner']);
    await queue.close();
  });
});
