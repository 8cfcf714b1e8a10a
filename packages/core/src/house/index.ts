export { AuctionHouse, createAuctionHouse } from './auction-house.js';
export type { Unsubscribe } from './event-hub.js';
export { connectionErrorLog, type HouseLogger, silentLogger } from './house-logger.js';
export type { AuctionHouseOptions, BidJudging } from './house-options.js';
export type {
  AuctionStats,
  HealthEvent,
  HouseDependency,
  HouseError,
  HouseHealth,
  HouseMetrics,
  HouseOperation,
  PublicBid,
  ReportedError,
  Trouble,
} from './house-types.js';
export {
  assertPartitionCount,
  DEFAULT_SHARED_PARTITIONS,
  MAX_PARTITIONS,
  partitionCountMismatch,
  partitionOf,
} from './partition-of.js';
