import { OutcryError } from '@outcry/core';
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

/** Where the client connects, for messages: `host:port`, or a Cluster's first nodes. */
function addressOf(client: RedisClient): string {
  if (isCluster(client)) {
    const nodes = client.nodes().map((node) => `${node.options.host ?? 'localhost'}:${node.options.port ?? 6379}`);
    return nodes.length === 0 ? 'the Redis Cluster' : `the Redis Cluster at ${nodes.slice(0, 3).join(', ')}`;
  }
  const { host, port, path } = client.options;
  return `Redis at ${path ?? `${host ?? 'localhost'}:${port ?? 6379}`}`;
}

/**
 * Resolves once the client is connected. At its first connection error, or after `timeoutMs`
 * without a connection, rejects with UNAVAILABLE naming the address: a house starting on a
 * Redis that is down says so at once instead of after ioredis's retries.
 */
export function whenConnected(client: RedisClient, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
      client.off('error', onError);
    };
    const onReady = () => {
      done();
      resolve();
    };
    const fail = (why: string, cause?: unknown) => {
      done();
      reject(
        new OutcryError('UNAVAILABLE', `${addressOf(client)} does not answer (${why}).`, {
          ...(cause === undefined ? {} : { cause }),
        }),
      );
    };
    const onError = (error: Error) => fail(error.message || String(error), error);
    const timer = setTimeout(() => fail(`no connection within ${timeoutMs} ms`), timeoutMs);
    client.on('ready', onReady);
    client.on('error', onError);
    if (client.status === 'wait') client.connect().catch(() => undefined);
  });
}
