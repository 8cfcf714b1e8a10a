export type { AdmitBid } from './admit-bid.js';
export {
  clientBidIdSchema,
  fitsStoredBidId,
  MAX_CLIENT_BID_ID_LENGTH,
  MAX_USER_ID_LENGTH_FOR_ANY_BID_ID,
  toClientBidId,
  toClientOutcome,
  toStoredBidId,
} from './bid-ids.js';
export { createWebSocketGateway, type WebSocketGateway } from './create-websocket-gateway.js';
export { GATEWAY_CLOSE_CODES, GATEWAY_ERROR_CODES, type GatewayErrorCode } from './error-codes.js';
export {
  type AuthFrame,
  type AuthOkFrame,
  type BidFrame,
  type BidResultFrame,
  CLIENT_FRAME_TYPES,
  type ClientFrame,
  type ClientFrameType,
  clientFrameSchema,
  type ErrorFrame,
  type EventFrame,
  type OutbidFrame,
  type PingFrame,
  type PongFrame,
  type ServerFrame,
  type SnapshotFrame,
  type SubscribeFrame,
  type UnsubscribeFrame,
} from './frames.js';
export type { GatewayMetrics } from './gateway-metrics.js';
export type { Authenticate, WebSocketGatewayOptions } from './gateway-options.js';
export { type ParsedClientFrame, parseClientFrame } from './parse-client-frame.js';
export type { RateLimitedFrame } from './rate-limited-frame.js';
export type { RateLimit } from './rate-limiter.js';
