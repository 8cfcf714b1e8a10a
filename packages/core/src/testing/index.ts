// Contract suites (one per port) and the reference model, for adapters' tests.
export {
  type AuctionStoreContractOptions,
  type AuctionStoreContractSkips,
  type AuctionStoreFactory,
  describeAuctionStoreContract,
} from './contracts/auction-store-contract.js';
export {
  type BidQueueContractOptions,
  type BidQueueContractSkips,
  type BidQueueFactory,
  describeBidQueueContract,
} from './contracts/bid-queue-contract.js';
export {
  type BroadcasterContractOptions,
  type BroadcasterContractSkips,
  type BroadcasterFactory,
  type BroadcasterPair,
  describeBroadcasterContract,
} from './contracts/broadcaster-contract.js';
export type { Closable, ContractHooks, PartitionHook } from './contracts/contract-hooks.js';
export {
  type DirectCommandsContractOptions,
  type DirectCommandsPair,
  type DirectCommandsPairFactory,
  describeDirectCommandsContract,
} from './contracts/direct-commands-contract.js';
export {
  batchOfSteps,
  broadcastMessage,
  commitBatchOf,
  queueItem,
  routedAnswers,
  ScriptedAuction,
  type ScriptedAuctionOptions,
  type ScriptStep,
  snapshotAt,
  uniqueId,
  uniquePartition,
} from './contracts/fixtures.js';
export {
  describeLockContract,
  type LockContractOptions,
  type LockContractSkips,
  type LockFactory,
} from './contracts/lock-contract.js';
export {
  describeOpaqueIdRoundTrip,
  type OpaqueIdRoundTripOptions,
  type OpaqueIdStack,
} from './contracts/opaque-id-round-trip.js';
export {
  describeSnapshotCacheContract,
  type SnapshotCacheContractOptions,
  type SnapshotCacheContractSkips,
  type SnapshotCacheFactory,
  type SnapshotCacheFactoryOptions,
} from './contracts/snapshot-cache-contract.js';
export { type Eventual, eventually, sleep } from './eventually.js';
export { createFakeClock, type FakeClock } from './fake-clock.js';
export { NAMED_OPAQUE_IDS, opaqueIdArbitrary } from './opaque-ids.js';
export {
  createReferenceModel,
  type ReferenceBid,
  type ReferenceCommand,
  type ReferenceModel,
  type ReferenceVerdict,
  type ReferenceView,
  referenceIncrement,
  runReferenceModel,
} from './reference-model.js';
export { clientHouse, poisonBid, poisonCreate, routedOutcomes } from './poison-commands.js';
export { expectLedgersConsistent } from './stack/ledger-check.js';
export type { HouseSettings, Stack, StackBackend, StackFactory, StackProcess } from './stack/stack.js';
export { describeStackContract, type StackContractOptions } from './stack/stack-contract.js';
