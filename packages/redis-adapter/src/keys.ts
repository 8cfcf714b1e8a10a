import type { AuctionStatus } from '@outcry/core';
import { OutcryError } from '@outcry/core';
import { partitionTag } from './partition-tags.js';

/** The statuses that have their own listing index, in a fixed order (the commit script relies on it). */
export const LISTED_STATUSES: readonly AuctionStatus[] = ['scheduled', 'open', 'closed', 'cancelled'];

/** Width of the zero-padded createdAt in a listing member: epoch milliseconds fit in 15 digits until year 33658. */
const CREATED_AT_WIDTH = 15;

/**
 * Every key, channel and stream name the adapters use. All keys of one partition carry the same
 * hash tag, `{p<partition>}` or `{p<partition>-<k>}` (`partitionTag`: the partitions' slots
 * spread evenly over a Cluster), so that one Lua script touches one Cluster slot; keys of a lock carry
 * the lock key as their tag. Every name starts with the prefix, so one prefix is one namespace.
 * An auction id in a name always comes after the partition's tag (the first `{...}` of a name
 * decides its slot, so no id can move a key); user ids and bidIds never go into a name, only into
 * hash fields and values, which Redis keeps byte for byte.
 */
export class RedisKeys {
  readonly prefix: string;
  readonly partitions: number;
  /** Each partition's `<prefix>{<tag>}:`, made on first use. */
  readonly #partitionPrefixes = new Map<number, string>();

  /** `partitions`: the count the data is laid out for; a partition's tag depends on it. */
  constructor(prefix: string, partitions: number) {
    // A brace in the prefix would move the hash tag and split a partition across slots.
    if (prefix.includes('{') || prefix.includes('}')) {
      throw new OutcryError('INVALID_INPUT', 'The Redis key prefix must not contain { or }.');
    }
    this.prefix = prefix;
    this.partitions = partitions;
  }

  /** `<prefix>{<tag>}:`, the start of every key of a partition. */
  partition(partition: number): string {
    let start = this.#partitionPrefixes.get(partition);
    if (start === undefined) {
      start = `${this.prefix}{${partitionTag(partition, this.partitions)}}:`;
      this.#partitionPrefixes.set(partition, start);
    }
    return start;
  }

  // ---- store ------------------------------------------------------------------------------

  /** String: the highest fencing token claimed for the partition or carried by a commit to it. */
  fence(partition: number): string {
    return `${this.partition(partition)}fence`;
  }

  /** Hash bidId -> JSON StoredOutcome: the first outcome of every bid judged in the partition. */
  outcomes(partition: number): string {
    return `${this.partition(partition)}outcomes`;
  }

  /** Hash auctionId -> status, so that a commit knows which listing index to leave. */
  statuses(partition: number): string {
    return `${this.partition(partition)}statuses`;
  }

  /** Sorted set (all scores 0, ordered by member) of every auction of the partition. */
  listAll(partition: number): string {
    return `${this.partition(partition)}list:all`;
  }

  /** Sorted set of the partition's auctions that have this status now. */
  listByStatus(partition: number, status: AuctionStatus): string {
    return `${this.partition(partition)}list:${status}`;
  }

  /** String: the auction's state as JSON, without its spec. */
  state(partition: number, auctionId: string): string {
    return `${this.partition(partition)}state:${auctionId}`;
  }

  /** String: the auction's spec as JSON, written once when it is created. */
  spec(partition: number, auctionId: string): string {
    return `${this.partition(partition)}spec:${auctionId}`;
  }

  /** List: the auction's ledger entries as JSON; the entry of seq n is at index n - 1. */
  ledger(partition: number, auctionId: string): string {
    return `${this.partition(partition)}ledger:${auctionId}`;
  }

  /** String: the partition count the houses on this prefix run with, recorded by the first. */
  partitionCount(): string {
    return `${this.prefix}partition-count`;
  }

  // ---- queue, broadcaster, cache -----------------------------------------------------------

  /** Stream of the partition's queued commands. */
  stream(partition: number): string {
    return `${this.partition(partition)}queue`;
  }

  /** Pub/Sub channel (sharded on a Cluster) of the partition's committed changes. */
  channel(partition: number): string {
    return `${this.partition(partition)}events`;
  }

  /** Pub/Sub channel (sharded on a Cluster) of the bids handed to the partition's owner directly. */
  commands(partition: number): string {
    return `${this.partition(partition)}commands`;
  }

  /** Pub/Sub channel (sharded on a Cluster) of the answers to one house's callers. */
  answers(houseId: string): string {
    return `${this.prefix}{a:${houseId}}answers`;
  }

  /** Pub/Sub channel on which a process says which partitions it starts listening to. */
  listeners(): string {
    return `${this.prefix}listeners`;
  }

  /** String `<seq>|<json>`: the cached public view of an auction, with a TTL. */
  snapshot(partition: number, auctionId: string): string {
    return `${this.partition(partition)}snapshot:${auctionId}`;
  }

  /** Pattern matching every snapshot key (for clear()). */
  snapshotPattern(): string {
    return `${this.prefix}{p*}:snapshot:*`;
  }

  // ---- lock -------------------------------------------------------------------------------

  /** String `<token>:<owner>` with a PX expiry: the lease on `key`. */
  lease(key: string): string {
    return `${this.prefix}lease:{${key}}`;
  }

  /** Counter that only grows: the last fencing token given out for `key`. Never expires. */
  leaseToken(key: string): string {
    return `${this.prefix}lease-token:{${key}}`;
  }
}

/**
 * The listing member of an auction: zero-padded createdAt, then the id. With every score 0 a
 * sorted set orders members bytewise, which is (createdAt, id) order; read in reverse it is
 * newest first, the order of core's keyset cursors.
 */
export function listMember(createdAt: number, auctionId: string): string {
  return `${String(createdAt).padStart(CREATED_AT_WIDTH, '0')}:${auctionId}`;
}

/** The auction id in a listing member. */
export function idOfListMember(member: string): string {
  return member.slice(CREATED_AT_WIDTH + 1);
}
