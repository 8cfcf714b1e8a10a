export { AuctionHouse, type AuctionHouseOptions, createAuctionHouse } from './auction-house.js';
export type {
  AuctionStats,
  HealthEvent,
  HouseDependency,
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
