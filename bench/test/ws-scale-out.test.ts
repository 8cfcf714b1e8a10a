import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCpuCaps } from '../src/cpu-caps.js';
import { hasRedisServer, type RedisServers, startRedisServers } from '../src/redis-servers.js';
import { type RedisTarget, singleRedis } from '../src/redis-target.js';
import { measureWsPoint } from '../src/ws-scale-out.js';

const servicesRequired = process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1';
const redisServer = hasRedisServer();
if (!redisServer && servicesRequired) throw new Error('redis-server is not installed (CI=true or REQUIRE_SERVICES=1)');

describe.skipIf(!redisServer)('the WebSocket point of the scale-out suite', () => {
  let servers: RedisServers;
  let target: RedisTarget;
  beforeAll(async () => {
    servers = await startRedisServers(1, { cluster: false });
    target = singleRedis(servers.nodes[0]?.url as string, 'a redis-server of the test');
  });
  afterAll(async () => {
    await target.close();
    await servers.stop();
  });

  it('delivers every event to every watcher of two gateway processes, each event over Redis at most once a process', async () => {
    const caps = createCpuCaps();
    try {
      const point = await measureWsPoint({
        redis: target,
        gateways: 2,
        watchers: 300,
        bidsPerSecond: 10,
        seconds: 1,
        caps,
        cores: 0.5,
      });
      expect(point.bids).toBe(10);
      // Two events a change at least (the bid, and the outbid notice to the room): every watcher gets each.
      expect(point.expected).toBeGreaterThanOrEqual(300 * 10);
      expect(point.deliveries).toBe(point.expected);
      expect(point.p99Ms).toBeGreaterThanOrEqual(point.p50Ms);
      // One process owns the auction's partition; the other hears each batch's message once
      // (and the first its answers too): never a message per watcher, nor one per event twice.
      expect(point.fromRedisPerBid).toHaveLength(2);
      for (const perBid of point.fromRedisPerBid) expect(perBid).toBeLessThanOrEqual(2);
      expect(Math.max(...point.fromRedisPerBid)).toBeGreaterThan(0);
    } finally {
      caps.release();
    }
  }, 120_000);
});
