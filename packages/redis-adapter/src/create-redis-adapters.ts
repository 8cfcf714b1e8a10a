import {
  type Backend,
  type BackendCapabilities,
  connectionErrorLog,
  DEFAULT_SHARED_PARTITIONS,
  type HouseLogger,
  OutcryError,
  silentLogger,
} from '@outcry/core';
import { assertPartitionCount } from '@outcry/core/adapter-kit';
import { Cluster, Redis } from 'ioredis';
import { RedisKeys } from './keys.js';
import { defineScripts } from './lua-scripts.js';
import { OutcomePrefetch } from './outcome-prefetch.js';
import { RedisAuctionStore } from './redis-auction-store.js';
import { RedisBidQueue } from './redis-bid-queue.js';
import { RedisBroadcaster } from './redis-broadcaster.js';
import type { RedisClient } from './redis-client.js';
import { RedisDirectCommands } from './redis-direct-commands.js';
import { RedisLock } from './redis-lock.js';
import { RedisSnapshotCache } from './redis-snapshot-cache.js';

/** Options of `createRedisAdapters`. */
export interface RedisAdaptersOptions {
  /**
   * An ioredis `Redis` or `Cluster` the caller owns (and closes), or a `redis://` URL, in which
   * case the adapters make the client and close it in `close()`.
   */
  readonly redis: RedisClient | string;
  /** Start of every key and channel ('outcry:'); one prefix is one set of auctions. No braces. */
  readonly prefix?: string;
  /** The partition count the keys are built for (4, `DEFAULT_SHARED_PARTITIONS`); a house on these adapters takes it. */
  readonly partitions?: number;
  /** How often the broadcaster of a sole publisher looks for listeners (1,000 ms; see `RedisBroadcaster`). */
  readonly listenerCheckMs?: number;
  /**
   * Where errors of the connections the adapters make are written (pino's convention; the
   * house's logger fits): the subscriber, the queue's readers, and the client made from a URL.
   * Silent by default; errors of a client you pass are yours to listen to.
   */
  readonly logger?: HouseLogger;
}

/** The ports on Redis as a Backend for `createAuctionHouse({ backend })`, and the client they share. */
export interface RedisAdapters extends Backend {
  readonly store: RedisAuctionStore;
  readonly queue: RedisBidQueue;
  readonly lock: RedisLock;
  readonly broadcaster: RedisBroadcaster;
  readonly cache: RedisSnapshotCache;
  readonly fencing: RedisAuctionStore;
  readonly solePublisher: RedisBroadcaster;
  readonly directCommands: RedisDirectCommands;
  /** The partition count the keys are built for. */
  readonly partitions: number;
  /** The client every port shares. */
  readonly redis: RedisClient;
  /** Closes the extra connections the ports made, and the client when it was made from a URL. Idempotent. */
  close(): Promise<void>;
}

/**
 * Each commit script publishes its batch's message (subscribers hear of a batch if and only if
 * it was committed) and writes the states the cache makes its views from.
 */
const REDIS_CAPABILITIES: BackendCapabilities = {
  commitsInOrder: true,
  commitPublishes: true,
  commitFillsCache: true,
  queueInProcess: false,
  cacheShared: true,
  fencing: true,
  solePublisher: true,
  directCommands: true,
};

/**
 * Every port of `@outcry/core` on one Redis server or Cluster: `createAuctionHouse({ backend:
 * createRedisAdapters(options) })`. Stop the AuctionHouse first, then call `close()`.
 */
export function createRedisAdapters(options: RedisAdaptersOptions): RedisAdapters {
  const partitions = options.partitions ?? DEFAULT_SHARED_PARTITIONS;
  assertPartitionCount(partitions);
  if (typeof options.redis !== 'string' && !(options.redis instanceof Redis || options.redis instanceof Cluster)) {
    throw new OutcryError(
      'INVALID_INPUT',
      "The Redis client was not made by the ioredis that @outcry/redis-adapter loads: ioredis is a peer dependency, so install it once, next to the adapter (two copies, e.g. ioredis 5 nested under the adapter and 6 beside it, cannot share a connection's commands).",
    );
  }
  if (typeof options.redis !== 'string' && options.redis.options.keyPrefix) {
    throw new OutcryError(
      'INVALID_INPUT',
      "The client has a keyPrefix, which ioredis puts before keys but not before Pub/Sub channels: give the adapters a client without one, and their own 'prefix' option instead.",
    );
  }
  const keys = new RedisKeys(options.prefix ?? 'outcry:', partitions);
  const owned = typeof options.redis === 'string';
  // Auto-pipelining: the publishes, queue calls and reads of one tick go out in one write (commits
  // go out at once: see runScriptNow).
  const logger = options.logger ?? silentLogger;
  const redis: RedisClient =
    typeof options.redis === 'string' ? new Redis(options.redis, { enableAutoPipelining: true }) : options.redis;
  if (owned) redis.on('error', connectionErrorLog(logger, 'Redis'));
  defineScripts(redis);
  // The queue's reads look up the outcomes of the bids they deliver; the store's getOutcomes,
  // which the sequencer sends next, finds them there and needs no round trip of its own.
  const outcomes = new OutcomePrefetch();
  const broadcaster = new RedisBroadcaster({
    redis,
    keys,
    logger,
    ...(options.listenerCheckMs === undefined ? {} : { listenerCheckMs: options.listenerCheckMs }),
  });
  const store = new RedisAuctionStore({ redis, keys, partitions, prefetch: outcomes, broadcaster });
  const queue = new RedisBidQueue({ redis, keys, prefetch: { outcomes, partitions }, logger });
  const lock = new RedisLock({ redis, keys });
  const directCommands = new RedisDirectCommands({ redis, keys, logger });
  const cache = new RedisSnapshotCache({ redis, keys, partitions, filledBy: store });
  let closing: Promise<void> | null = null;
  return {
    store,
    queue,
    lock,
    broadcaster,
    cache,
    capabilities: REDIS_CAPABILITIES,
    fencing: store,
    solePublisher: broadcaster,
    directCommands,
    partitions,
    redis,
    close() {
      closing ??= (async () => {
        await Promise.all([
          queue.close(),
          broadcaster.close(),
          directCommands.close(),
          store.close(),
          lock.close(),
          cache.close(),
        ]);
        if (owned) await redis.quit().catch(() => redis.disconnect());
      })();
      return closing;
    },
  };
}
