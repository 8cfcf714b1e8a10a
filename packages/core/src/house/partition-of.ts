import { OutcryError } from '../errors.js';

/**
 * Partitions of a house on shared stores when none is given. One process's group commits are
 * about in-flight commands / (partitions x commits in flight), so fewer partitions make bigger,
 * cheaper commits. Up to this many processes each sequence a share; more processes still take
 * bids and pass them on. Raise it to spread sequencing over more processes.
 */
export const DEFAULT_SHARED_PARTITIONS = 4;

/** The most partitions a house may have. */
export const MAX_PARTITIONS = 4096;

/** Refuses with INVALID_INPUT a partition count that is not an integer from 1 to MAX_PARTITIONS. */
export function assertPartitionCount(partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new OutcryError('INVALID_INPUT', `partitions must be an integer from 1 to ${MAX_PARTITIONS}.`);
  }
}

/** The refusal of `AuctionStore.checkPartitionCount`: the data is laid out for `recorded` partitions. */
export function partitionCountMismatch(recorded: number, given: number): OutcryError {
  return new OutcryError(
    'INVALID_INPUT',
    `This store's data is laid out for ${recorded} partitions, and this house has ${given}: an auction's data lives under partitionOf(id, partitions), so every house and adapter on it must use ${recorded} (pass partitions: ${recorded}).`,
    { details: { recorded, given } },
  );
}

/** The partition of an auction: FNV-1a of its id, modulo the partition count. Stable across processes. */
export function partitionOf(auctionId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < auctionId.length; i++) {
    hash ^= auctionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
