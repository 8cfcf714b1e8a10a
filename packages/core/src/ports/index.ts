export type {
  AuctionStore,
  CommitBatch,
  HistoryQuery,
  LedgerEntry,
  ListAuctionsQuery,
  Page,
  PartitionClaim,
  StoredOutcome,
} from './auction-store.js';
export type { Backend, BackendCapabilities, PartitionFencing, SolePublisher } from './backend.js';
export {
  type BidQueue,
  type QueuedCommand,
  type QueueItem,
  queueItemJson,
  queueItemOf,
  type ReadOptions,
} from './bid-queue.js';
export {
  type AnswerHandler,
  AnswerHandlers,
  type Broadcaster,
  type BroadcastHandler,
  type BroadcastMessage,
  parseAnswers,
  parseBroadcastMessage,
  type RoutedOutcome,
} from './broadcaster.js';
export { type Clock, systemClock } from './clock.js';
export {
  type DirectCommandHandler,
  type DirectCommands,
  directCommandsJson,
  parseDirectCommands,
} from './direct-commands.js';
export { type BackendMix, composeBackend } from './compose-backend.js';
export { type AcquireOptions, type Lease, type Lock, minTokenOf } from './lock.js';
export type { CacheStats, SnapshotCache } from './snapshot-cache.js';
