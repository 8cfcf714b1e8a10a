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
export { type ClientFrame, clientFrameSchema, type ServerFrame } from './frames.js';
export type { GatewayMetrics } from './gateway-metrics.js';
export type { Authenticate, WebSocketGatewayOptions } from './gateway-options.js';
export type { RateLimitedFrame } from './rate-limited-frame.js';
export type { RateLimit } from './rate-limiter.js';
