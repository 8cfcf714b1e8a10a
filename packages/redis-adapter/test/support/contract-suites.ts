import {
  describeAuctionStoreContract,
  describeBidQueueContract,
  describeBroadcasterContract,
  describeDirectCommandsContract,
  describeLockContract,
  describeSnapshotCacheContract,
} from '@outcry/core/testing';
import { createRedisAdapters, type RedisAdapters } from '../../src/create-redis-adapters.js';
import { RedisKeys } from '../../src/keys.js';
import { defineScripts } from '../../src/lua-scripts.js';
import type { RedisClient } from '../../src/redis-client.js';
import { RedisSnapshotCache } from '../../src/redis-snapshot-cache.js';

/**
 * Core's six contract suites on `redis` (a server or a Cluster), every instance under a fresh
 * prefix below `runPrefix`, so that tests share nothing but the server.
 */
export function describeRedisContracts(redis: () => RedisClient, runPrefix: string): void {
  const partitions = 16;
  let instances = 0;
  const fresh = (): RedisAdapters =>
    createRedisAdapters({ redis: redis(), prefix: `${runPrefix}${++instances}:`, partitions });
  // Every store has its own prefix, so partitions may repeat across tests.
  describeAuctionStoreContract(() => fresh().store, { partitions });
  describeBidQueueContract(() => fresh().queue);
  describeLockContract(() => fresh().lock);
  // The cache of createRedisAdapters reads views from the store's states (see commit-snapshots
  // tests); the contract is the one of a cache that holds its own snapshots, with a TTL.
  describeSnapshotCacheContract((options) => {
    const client = redis();
    defineScripts(client);
    const keys = new RedisKeys(`${runPrefix}${++instances}:`, partitions);
    return new RedisSnapshotCache({
      redis: client,
      keys,
      partitions,
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
    });
  });
  const shared = `${runPrefix}bus:`;
  describeBroadcasterContract(() => createRedisAdapters({ redis: redis(), prefix: shared, partitions }).broadcaster);
  // Two processes' adapters on one prefix: what one sends, the other's receiver gets through Redis.
  describeDirectCommandsContract(() => {
    const prefix = `${runPrefix}${++instances}:`;
    return [
      createRedisAdapters({ redis: redis(), prefix, partitions }).directCommands,
      createRedisAdapters({ redis: redis(), prefix, partitions }).directCommands,
    ];
  });
}
