import type { PublicAuction } from '@outcry/core';
import { type CacheStats, partitionOf, type SnapshotCache } from '@outcry/core/adapter-kit';
import { toPublicAuction } from '@outcry/core/engine';
import { deleteMatching } from './delete-matching.js';
import type { RedisKeys } from './keys.js';
import { runScript } from './lua-scripts.js';
import type { RedisAuctionStore } from './redis-auction-store.js';
import { isCluster, type RedisClient } from './redis-client.js';
import { decodeState } from './stored-json.js';

/** What a RedisSnapshotCache needs. */
export interface RedisSnapshotCacheOptions {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
  /** The AuctionHouse's partition count: a snapshot lives under its auction's partition tag. */
  readonly partitions: number;
  /** How long a snapshot stays without a refresh (60 s by default). */
  readonly ttlMs?: number;
  /**
   * The store on the same Redis and keys: the cache then makes each public view from the state
   * the store's commits wrote (always current, no TTL), and falls back on its own snapshots
   * (written by setMany) for auctions that store never wrote.
   */
  readonly filledBy?: RedisAuctionStore;
}

function viewOfSnapshot(value: string | null | undefined): PublicAuction | undefined {
  return value === null || value === undefined
    ? undefined
    : (JSON.parse(value.slice(value.indexOf('|') + 1)) as PublicAuction);
}

function viewOfState(live: string | null | undefined, spec: string | null | undefined): PublicAuction | undefined {
  if (live === null || live === undefined) return undefined;
  const state = decodeState(live, spec ?? null);
  return state === null ? undefined : toPublicAuction(state);
}

function groupByPartition(ids: readonly string[], partitions: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  ids.forEach((id, index) => {
    const partition = partitionOf(id, partitions);
    const group = groups.get(partition);
    if (group === undefined) groups.set(partition, [index]);
    else group.push(index);
  });
  return groups;
}

/**
 * SnapshotCache on Redis, shared by every process: each public view is a string `<seq>|<json>`
 * with a PX TTL, read in batches with MGET (one per partition, so each stays on one Cluster
 * slot) and written by a script that never replaces a newer seq with an older one. Hits,
 * misses and size are this process's view: `size` counts the snapshots this process wrote
 * that have neither expired nor been deleted (counting the server's keys would cost a scan).
 *
 * With `filledBy` (the store of the same adapters) a view is made from the auction's state as
 * the last commit wrote it, read in the same MGET as the snapshot: a copy written with every
 * commit would cost Redis a write and Node a serialisation per auction and batch, for views
 * that are a pure function of the state. A house on that store never calls setMany; a house on
 * another store (PostgreSQL) does, and then the snapshots serve, as without `filledBy`.
 */
export class RedisSnapshotCache implements SnapshotCache {
  /** Every process reads the same keys: only the sequencer that made a change writes it. */
  readonly filledBy: RedisAuctionStore | undefined;
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #partitions: number;
  readonly #ttlMs: number;
  #hits = 0;
  #misses = 0;
  /** Auction id -> expiry of the snapshots this process wrote, for `stats().size`. */
  readonly #written = new Map<string, number>();
  /** Views given to setMany in this tick, written together at its end. */
  #tick: { readonly pending: PublicAuction[]; readonly written: Promise<void> } | null = null;
  /** On a Cluster a script touches one slot: one write per partition. */
  readonly #sharded: boolean;

  constructor(options: RedisSnapshotCacheOptions) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#partitions = options.partitions;
    this.#ttlMs = Math.max(1, Math.ceil(options.ttlMs ?? 60_000));
    this.filledBy = options.filledBy;
    this.#sharded = isCluster(options.redis);
  }

  async getMany(ids: readonly string[]): Promise<(PublicAuction | undefined)[]> {
    const result: (PublicAuction | undefined)[] = new Array(ids.length).fill(undefined);
    const filled = this.filledBy !== undefined;
    await Promise.all(
      [...groupByPartition(ids, this.#partitions)].map(async ([partition, indexes]) => {
        const keys: string[] = [];
        for (const i of indexes) {
          const id = ids[i] as string;
          if (filled) keys.push(this.#keys.state(partition, id), this.#keys.spec(partition, id));
          keys.push(this.#keys.snapshot(partition, id));
        }
        const values = await this.#redis.mget(...keys);
        const width = filled ? 3 : 1;
        indexes.forEach((index, k) => {
          result[index] = filled
            ? (viewOfState(values[k * width], values[k * width + 1]) ?? viewOfSnapshot(values[k * width + 2]))
            : viewOfSnapshot(values[k]);
        });
      }),
    );
    for (const auction of result) {
      if (auction === undefined) this.#misses++;
      else this.#hits++;
    }
    return result;
  }

  /**
   * Writes made in one tick go out together (the sequencers of one process each write their
   * batch's views): one script for all of them on one server, one per partition on a Cluster.
   */
  setMany(auctions: readonly PublicAuction[]): Promise<void> {
    if (auctions.length === 0) return Promise.resolve();
    const expiresAt = Date.now() + this.#ttlMs;
    for (const auction of auctions) this.#written.set(auction.id, expiresAt);
    let tick = this.#tick;
    if (tick === null) {
      const pending: PublicAuction[] = [];
      const written = new Promise<void>((resolve) => process.nextTick(resolve)).then(() => {
        this.#tick = null;
        return this.#write(pending);
      });
      tick = { pending, written };
      this.#tick = tick;
    }
    for (const auction of auctions) tick.pending.push(auction);
    return tick.written;
  }

  async #write(auctions: readonly PublicAuction[]): Promise<void> {
    // On one server every view goes in one script; on a Cluster, one script per partition (slot).
    const groups = new Map<number, { keys: string[]; args: Array<string | number> }>();
    for (const auction of auctions) {
      const partition = partitionOf(auction.id, this.#partitions);
      const groupKey = this.#sharded ? partition : 0;
      let group = groups.get(groupKey);
      if (group === undefined) {
        group = { keys: [], args: [this.#ttlMs] };
        groups.set(groupKey, group);
      }
      group.keys.push(this.#keys.snapshot(partition, auction.id));
      group.args.push(auction.seq, `${auction.seq}|${JSON.stringify(auction)}`);
    }
    await Promise.all(
      [...groups.values()].map(({ keys, args }) => runScript(this.#redis, 'set-snapshots', keys, args)),
    );
  }

  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.#written.delete(id);
    await Promise.all(
      [...groupByPartition(ids, this.#partitions)].map(([partition, indexes]) =>
        this.#redis.del(...indexes.map((i) => this.#keys.snapshot(partition, ids[i] as string))),
      ),
    );
  }

  /** Deletes every snapshot under this prefix, on every node: a SCAN, for admin use, not the hot path. */
  async clear(): Promise<void> {
    this.#written.clear();
    await deleteMatching(this.#redis, this.#keys.snapshotPattern());
  }

  stats(): CacheStats {
    const reads = this.#hits + this.#misses;
    const now = Date.now();
    for (const [id, expiresAt] of this.#written) if (expiresAt <= now) this.#written.delete(id);
    return {
      hits: this.#hits,
      misses: this.#misses,
      hitRate: reads === 0 ? 0 : this.#hits / reads,
      size: this.#written.size,
    };
  }

  /** Nothing to release: the cache runs on the client it was given. */
  async close(): Promise<void> {}
}
