import {
  describeAuctionStoreContract,
  describeBidQueueContract,
  describeBroadcasterContract,
  describeLockContract,
  describeSnapshotCacheContract,
} from '@outcry/core/testing';
import { createRedisAdapters, type RedisAdapters } from '../../src/create-redis-adapters.js';
import type { RedisClient } from '../../src/redis-client.js';

/**
 * Core's five contract suites on `redis` (a server or a Cluster), every instance under a fresh
 * prefix below `runPrefix`, so that tests share nothing but the server.
 */
export function describeRedisContracts(redis: () => RedisClient, runPrefix: string): void {
  const partitions = 16;
  let instances = 0;
  const fresh = (options: { cacheTtlMs?: number } = {}): RedisAdapters =>
    createRedisAdapters({ redis: redis(), prefix: `${runPrefix}${++instances}:`, partitions, ...options });
  // Every store has its own prefix, so partitions may repeat across tests; within one test
  // they must differ and stay inside 0..partitions-1, where the store keeps its keys.
  let nextPartition = 0;
  const partition = () => nextPartition++ % partitions;

  describeAuctionStoreContract(() => fresh().store, { partition });
  describeBidQueueContract(() => fresh().queue);
  describeLockContract(() => fresh().lock);
  describeSnapshotCacheContract(
    (options) => fresh(options.ttlMs === undefined ? {} : { cacheTtlMs: options.ttlMs }).cache,
  );
  const shared = `${runPrefix}bus:`;
  describeBroadcasterContract(() => createRedisAdapters({ redis: redis(), prefix: shared, partitions }).broadcaster);
}
