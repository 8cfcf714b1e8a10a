export type {
  AuctionStore,
  CommitBatch,
  HistoryQuery,
  LedgerEntry,
  ListAuctionsQuery,
  Page,
  StoredOutcome,
} from './auction-store.js';
export type { BidQueue, QueuedCommand, QueueItem, ReadOptions } from './bid-queue.js';
export {
  type BroadcastHandler,
  type BroadcastMessage,
  type Broadcaster,
  parseBroadcastMessage,
  type RoutedOutcome,
} from './broadcaster.js';
export { type Clock, systemClock } from './clock.js';
export type { Lease, Lock } from './lock.js';
export type { CacheStats, SnapshotCache } from './snapshot-cache.js';
