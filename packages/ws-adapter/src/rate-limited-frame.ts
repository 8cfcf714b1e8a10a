import type { ErrorFrame } from './frames.js';

/** The `error` frame of a refused frame or bid: `retryAfterMs` says when to send again. */
export interface RateLimitedFrame extends ErrorFrame {
  readonly code: 'RATE_LIMITED';
  /** Milliseconds until the limit that refused the frame lets one through. */
  readonly retryAfterMs: number;
}
