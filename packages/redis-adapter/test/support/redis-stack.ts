import type { StackFactory } from '@outcry/core/testing';
import { createRedisAdapters } from '../../src/create-redis-adapters.js';
import type { RedisClient } from '../../src/redis-client.js';
import { deletePrefix, uniquePrefix } from './redis-test-env.js';

/**
 * The Redis stack for core's stack contract: each instance under a prefix of its own, each
 * process on a client of its own from `newClient` (a server's or a Cluster's).
 */
export function redisStack(newClient: () => RedisClient): StackFactory {
  return ({ partitions }) => {
    const prefix = uniquePrefix('stack:');
    return {
      connect: (options = {}) => {
        const client = newClient();
        const adapters = createRedisAdapters({ redis: client, prefix, partitions: options.partitions ?? partitions });
        return {
          backend: adapters,
          close: async () => {
            await adapters.close();
            client.disconnect();
          },
        };
      },
      close: async () => {
        const client = newClient();
        await deletePrefix(client, prefix);
        client.disconnect();
      },
    };
  };
}
