import type { Cluster, Redis } from 'ioredis';

/** A client the adapters run on: one Redis server or a Cluster. */
export type RedisClient = Redis | Cluster;

/** True for an ioredis Cluster. */
export function isCluster(client: RedisClient): client is Cluster {
  return 'isCluster' in client && client.isCluster === true;
}

/**
 * A new connection with the client's options and `override`, for work that must not share the
 * client's connection (blocking reads, subscriptions). Whoever calls this disconnects it.
 */
export function duplicateClient(
  client: RedisClient,
  override: { autoResendUnfulfilledCommands?: boolean } = {},
  cluster: object = {},
): RedisClient {
  if (isCluster(client)) {
    return client.duplicate(undefined, { ...cluster, redisOptions: { ...client.options.redisOptions, ...override } });
  }
  return client.duplicate(override);
}
