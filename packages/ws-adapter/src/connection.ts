import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { ClientFrame, ErrorFrame, ServerFrame } from './frames.js';
import type { GatewayCounters } from './gateway-metrics.js';
import type { RateLimitedFrame } from './rate-limited-frame.js';
import { type RateLimit, TokenBucket } from './rate-limiter.js';
import type { Subscription } from './room.js';

/** At most this many frames wait behind a pending `auth`; more are refused RATE_LIMITED. */
const MAX_WAITING_FRAMES = 64;

/**
 * One client connection: its socket, who it is, what it watches, its rate limit and its place in
 * the slow-consumer bookkeeping. Sending never throws and never writes to a socket that is not open.
 */
export class Connection {
  readonly id: number;
  readonly ws: WebSocket;
  /** The raw socket under `ws`, where shared pre-built frames are written. */
  readonly #socket: Duplex;
  readonly #counters: GatewayCounters;
  readonly #limiter: TokenBucket | null;
  /** Direct replies are dropped past this many buffered bytes: they must not grow memory either. */
  readonly #replyLimit: number;
  userId: string | null;
  /** Subscriptions by auctionId. */
  readonly subscriptions = new Map<string, Subscription>();
  /** Set by a frame or a pong; cleared by each heartbeat. */
  alive = true;
  /** Subscriptions that stopped receiving events because the send buffer was over the limit. */
  readonly behind = new Set<Subscription>();
  /** When this connection fell behind (ms), or null. */
  behindSince: number | null = null;
  /** Frames that arrived while an `auth` was pending, processed in order once it ends; null when none is pending. */
  waiting: ClientFrame[] | null = null;
  /** The last bid still waiting for `admitBid`: later bids go to the house after it; null when none waits. */
  admitting: Promise<void> | null = null;

  constructor(options: {
    id: number;
    ws: WebSocket;
    socket: Duplex;
    userId: string | null;
    counters: GatewayCounters;
    rateLimit: RateLimit | null;
    replyLimit: number;
    now: number;
  }) {
    this.id = options.id;
    this.ws = options.ws;
    this.#socket = options.socket;
    this.userId = options.userId;
    this.#counters = options.counters;
    this.#limiter = options.rateLimit === null ? null : new TokenBucket(options.rateLimit, options.now);
    this.#replyLimit = options.replyLimit;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes written but not yet taken by the kernel. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** One token of the rate limit: 0 when the frame may go on, else the ms until one is free. */
  admit(now: number): number {
    return this.#limiter === null ? 0 : this.#limiter.take(now);
  }

  /** Queue a frame behind a pending auth; false when too many wait already. */
  wait(frame: ClientFrame): boolean {
    if (this.waiting === null || this.waiting.length >= MAX_WAITING_FRAMES) return false;
    this.waiting.push(frame);
    return true;
  }

  /** Write a complete pre-built WebSocket frame (or several) shared with other sockets. */
  writeShared(frames: Buffer): void {
    if (!this.open) return;
    try {
      this.#socket.write(frames);
    } catch {
      this.#counters.internalErrors++;
    }
  }

  /** Send a reply to this connection only (pong, error, bid.result, outbid, auth.ok). */
  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  /** Send an already serialised frame. */
  sendText(text: string): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > this.#replyLimit) {
      this.#counters.repliesDropped++;
      return;
    }
    try {
      this.ws.send(text);
    } catch {
      this.#counters.internalErrors++;
    }
  }

  /** Send an error frame and count it by code. */
  sendError(code: ErrorFrame['code'], message: string, about: { auctionId?: string; bidId?: string } = {}): void {
    this.#counters.countError(code);
    const frame: ErrorFrame = { type: 'error', code, message, ...about };
    this.send(frame);
  }

  /** Send RATE_LIMITED with the wait until the limit lets a frame through. */
  sendRateLimited(message: string, retryAfterMs: number, about: { auctionId?: string; bidId?: string } = {}): void {
    this.#counters.countError('RATE_LIMITED');
    const frame: RateLimitedFrame = { type: 'error', code: 'RATE_LIMITED', message, ...about, retryAfterMs };
    this.send(frame);
  }

  close(code: number, reason: string): void {
    try {
      this.ws.close(code, reason);
    } catch {
      this.terminate();
    }
  }

  terminate(): void {
    try {
      this.ws.terminate();
    } catch {
      this.#counters.internalErrors++;
    }
  }
}
