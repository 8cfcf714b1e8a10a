// The pure engine: `applyCommand` and the rule functions it is made of, with their types.
export { applyCommand } from './apply-command.js';
export { buildAuctionSpec } from './auction-spec.js';
export { buyNow, isBuyNowAvailable } from './buy-now.js';
export { fingerprintBid, isSameBid, judgeRepeatedBid, type RecordedBid } from './idempotency.js';
export { DEFAULT_INCREMENT_TABLE, incrementFor } from './increment.js';
export { checkBiddable, computeResult, createInitialState, statusAt } from './lifecycle.js';
export { computeMinimumBid } from './minimum-bid.js';
export { isMoney, MAX_AMOUNT } from './money.js';
export { placeBid } from './place-bid.js';
export { type ProxyResult, resolveProxyBid } from './proxy-bidding.js';
export { toPublicAuction } from './public-view.js';
export { replayCommands } from './replay.js';
export { applyReserve, isReserveMet } from './reserve.js';
export { computeExtendedEnd } from './soft-close.js';
export type {
  AuctionCommand,
  AuctionEvent,
  AuctionEventType,
  AuctionResult,
  AuctionSpec,
  AuctionState,
  AuctionStatus,
  BidAccepted,
  BidOutcome,
  BidRejected,
  BuyNowCommand,
  CancelAuctionCommand,
  CloseAuctionCommand,
  CommandOutcome,
  CreateAuctionCommand,
  Decision,
  IncrementRule,
  IncrementStep,
  LifecycleOutcome,
  Money,
  OpenAuctionCommand,
  PlaceBidCommand,
  PublicAuction,
  ResultOutcome,
  SoftCloseRule,
} from './types.js';
