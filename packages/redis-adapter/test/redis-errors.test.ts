import { isOutcryError } from '@outcry/core';
import { commitBatchOf, ScriptedAuction } from '@outcry/core/testing';
import { Redis, ReplyError } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisKeys } from '../src/keys.js';
import { defineScripts } from '../src/lua-scripts.js';
import { RedisAuctionStore } from '../src/redis-auction-store.js';
import { isTransientRedisError, toStoreError } from '../src/redis-errors.js';
import { deletePrefix, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

const up = await redisIsUp('the Redis error tests');

function reply(message: string): Error {
  return new (ReplyError as new (message: string) => Error)(message);
}

describe('the classification of Redis errors', () => {
  it.each([
    ['LOADING Redis is loading the dataset in memory', true],
    ['BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.', true],
    ['TRYAGAIN Multiple keys request during rehashing of slot', true],
    ['CLUSTERDOWN The cluster is down', true],
    ['MOVED 3999 127.0.0.1:6381', true],
    ['ASK 3999 127.0.0.1:6381', true],
    ["READONLY You can't write against a read only replica.", true],
    ['MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to no.', true],
    ['NOREPLICAS Not enough good replicas to write.', true],
    ["OOM command not allowed when used memory > 'maxmemory'.", true],
    ['NOSCRIPT No matching script. Please use EVAL.', true],
    ['ERR max number of clients reached', true],
    ["ERR user_script:1: attempt to index local 't' (a nil value) script: e62b, on @user_script:1.", false],
    ['ERR Lua redis lib command arguments must be strings or integers script: 78ff, on @user_script:1.', false],
    ['WRONGTYPE Operation against a key holding the wrong kind of value', false],
    ['ERR string exceeds maximum allowed size (proto-max-bulk-len)', false],
  ])('reply %s is transient: %s', (message, transient) => {
    const error = reply(message);
    expect(isTransientRedisError(error)).toBe(transient);
    expect(toStoreError(error, 'Test').code).toBe(transient ? 'UNAVAILABLE' : 'STORE_REJECTED');
  });

  it.each([
    ['a closed connection', new Error('Connection is closed.'), true],
    ['a command timed out', new Error('Command timed out'), true],
    [
      'a refused connection',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      true,
    ],
    [
      'retries exhausted',
      Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }),
      true,
    ],
    ['a value JavaScript cannot write', new TypeError('Do not know how to serialize a BigInt'), false],
    ['a string too long to build', new RangeError('Invalid string length'), false],
  ])('%s is transient: %s', (_what, error, transient) => {
    expect(isTransientRedisError(error)).toBe(transient);
    expect(toStoreError(error, 'Test').code).toBe(transient ? 'UNAVAILABLE' : 'STORE_REJECTED');
  });
});

describe.skipIf(!up)('errors of a real Redis', () => {
  let redis: Redis;
  const prefix = uniquePrefix('redis-errors:');
  let store: RedisAuctionStore;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    defineScripts(redis);
    store = new RedisAuctionStore({ redis, keys: new RedisKeys(prefix, 1), partitions: 1 });
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error('expected a failure');
  }

  it('a commit whose script fails on the data it was given is refused with STORE_REJECTED', async () => {
    const auction = ScriptedAuction.create();
    const batch = commitBatchOf(0, 1, [auction]);
    // A status the script has no listing for: it fails on it, as on any value it cannot handle.
    const bogus = { ...batch, states: batch.states.map((state) => ({ ...state, status: 'bogus' as never })) };
    const error = await failureOf(() => store.commit(bogus));
    expect(isOutcryError(error) && error.code).toBe('STORE_REJECTED');
    expect(String((error as Error).message)).toContain('user_script');
  });

  it('a commit onto a key of the wrong type (WRONGTYPE) is refused with STORE_REJECTED', async () => {
    const auction = ScriptedAuction.create();
    await redis.set(new RedisKeys(prefix, 1).ledger(0, auction.id), 'not a list');
    const error = await failureOf(() => store.commit(commitBatchOf(0, 1, [auction])));
    expect(isOutcryError(error) && error.code).toBe('STORE_REJECTED');
    expect(String((error as Error).message)).toContain('WRONGTYPE');
  });

  it('a commit on a closed connection, or one that timed out, is UNAVAILABLE', async () => {
    const closed = new Redis(REDIS_URL, { enableOfflineQueue: false, lazyConnect: true });
    closed.on('error', () => undefined);
    defineScripts(closed);
    const offline = new RedisAuctionStore({ redis: closed, keys: new RedisKeys(prefix, 1), partitions: 1 });
    const error = await failureOf(() => offline.commit(commitBatchOf(0, 1, [ScriptedAuction.create()])));
    expect(isOutcryError(error) && error.code).toBe('UNAVAILABLE');
    closed.disconnect();

    const impatient = new Redis(REDIS_URL, { commandTimeout: 50 });
    impatient.on('error', () => undefined);
    const timedOut = await failureOf(() => impatient.blpop(`${prefix}nothing`, 1));
    expect((timedOut as Error).message).toBe('Command timed out');
    expect(toStoreError(timedOut, 'Test').code).toBe('UNAVAILABLE');
    impatient.disconnect();
  });
});
