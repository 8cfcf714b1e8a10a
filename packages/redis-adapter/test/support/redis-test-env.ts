import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteMatching } from '../../src/delete-matching.js';
import type { RedisClient } from '../../src/redis-client.js';

/** The Redis the tests run against. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** With CI=true or REQUIRE_SERVICES=1 a Redis that does not answer fails the run instead of skipping it. */
export const servicesRequired = process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1';

/** Answers whether a Redis answers PING at `url` within two seconds. */
async function redisAnswers(url: string = REDIS_URL): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2_000,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Whether the suites of this file run. When Redis does not answer: throws under CI (so the run
 * fails), else says why the suite is skipped and answers false.
 */
export async function redisIsUp(what: string): Promise<boolean> {
  if (await redisAnswers()) return true;
  const message = `No Redis answers at ${REDIS_URL}: ${what} cannot run. Start redis-server, or set REDIS_URL.`;
  if (servicesRequired) throw new Error(`${message} (CI=true or REQUIRE_SERVICES=1: a missing Redis fails the run)`);
  console.warn(`SKIPPED: ${message}`);
  return false;
}

/** A key prefix no other run, process or file uses: `outcry-test:<pid>:<random>:`. */
export function uniquePrefix(label = ''): string {
  return `outcry-test:${process.pid}:${randomBytes(4).toString('hex')}:${label}`;
}

/** Deletes every key under `prefix` (on every master of a Cluster). */
export function deletePrefix(redis: RedisClient, prefix: string): Promise<number> {
  return deleteMatching(redis, `${prefix}*`);
}
