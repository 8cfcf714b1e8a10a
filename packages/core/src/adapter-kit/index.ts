// The adapter author's surface: the ports and their types, the JSON codecs the adapters write
// with, partitioning and list cursors, and the in-memory implementation of each port.

export { assertPartitionCount, MAX_PARTITIONS, partitionCountMismatch, partitionOf } from '../house/index.js';
export {
  acceptedJsonWithoutBidId,
  answersJson,
  bidJsonWithoutAuctionId,
  broadcastJson,
  commandJson,
  eventJson,
  eventsJson,
  liveStateJson,
  outcomeJson,
  stateJson,
  stringJson,
} from '../json/index.js';
export {
  MemoryAuctionStore,
  type MemoryAuctionStoreOptions,
  MemoryBidQueue,
  MemoryBroadcaster,
  MemoryLock,
  MemorySnapshotCache,
  type MemorySnapshotCacheOptions,
} from '../memory/index.js';
export {
  type AcquireOptions,
  type AnswerHandler,
  AnswerHandlers,
  type AuctionStore,
  type Backend,
  type BackendCapabilities,
  type BidQueue,
  type Broadcaster,
  type BroadcastHandler,
  type BroadcastMessage,
  type CacheStats,
  type CommitBatch,
  type HistoryQuery,
  type Lease,
  type LedgerEntry,
  type ListAuctionsQuery,
  type Lock,
  minTokenOf,
  type Page,
  type PartitionClaim,
  type PartitionFencing,
  parseAnswers,
  parseBroadcastMessage,
  type QueuedCommand,
  type QueueItem,
  type ReadOptions,
  type RoutedOutcome,
  type SnapshotCache,
  type SolePublisher,
  type StoredOutcome,
} from '../ports/index.js';
export { decodeListCursor, encodeListCursor, isListCursor, readListCursor } from '../schemas/list-cursor.js';
