// The app author's surface: the house, the domain types, errors and input schemas.
// Adapter authors find the ports in `@outcry/core/adapter-kit`, the pure rules in `@outcry/core/engine`.
export type {
  AuctionEvent,
  AuctionEventType,
  AuctionResult,
  AuctionSpec,
  AuctionStatus,
  BidAccepted,
  BidOutcome,
  BidRejected,
  IncrementRule,
  IncrementStep,
  Money,
  PublicAuction,
  ResultOutcome,
  SoftCloseRule,
} from './engine/index.js';
export { DEFAULT_INCREMENT_TABLE, MAX_AMOUNT } from './engine/index.js';
export {
  ERROR_CODES,
  ERROR_MEANINGS,
  type ErrorCode,
  isOutcryError,
  OutcryError,
  type RejectionCode,
} from './errors.js';
export {
  AuctionHouse,
  type AuctionHouseOptions,
  type AuctionStats,
  type BidJudging,
  connectionErrorLog,
  createAuctionHouse,
  DEFAULT_SHARED_PARTITIONS,
  type HealthEvent,
  type HouseDependency,
  type HouseError,
  type HouseHealth,
  type HouseLogger,
  type HouseMetrics,
  type HouseOperation,
  type PublicBid,
  type ReportedError,
  silentLogger,
  type Trouble,
  type Unsubscribe,
} from './house/index.js';
export { createMemoryBackend, type MemoryBackend, type MemoryBackendOptions } from './memory/index.js';
export {
  type Backend,
  type BackendCapabilities,
  type BackendMix,
  type Clock,
  composeBackend,
  type LedgerEntry,
  systemClock,
} from './ports/index.js';
export { auctionIdSchema, isAuctionId, MAX_AUCTION_ID_LENGTH } from './schemas/auction-id.js';
export { freeTextSchema } from './schemas/free-text.js';
export {
  auctionStatusSchema,
  type BuyNowInput,
  buyNowInputSchema,
  type CancelAuctionInput,
  type CreateAuctionInput,
  cancelAuctionInputSchema,
  createAuctionInputSchema,
  type GetBidsInput,
  getBidsInputSchema,
  type ListAuctionsInput,
  listAuctionsInputSchema,
  moneySchema,
  type PlaceBidInput,
  placeBidInputSchema,
} from './schemas/input-schemas.js';
export {
  MAX_METADATA_BYTES,
  MAX_METADATA_DEPTH,
  MAX_METADATA_ENTRIES,
  metadataSchema,
} from './schemas/metadata-schema.js';
export { codePointLength, isOpaqueId, MAX_ID_LENGTH, opaqueIdSchema, opaqueIdSchemaOf } from './schemas/opaque-id.js';
export { describeIssues, type InputIssue, parseInput } from './schemas/parse-input.js';
