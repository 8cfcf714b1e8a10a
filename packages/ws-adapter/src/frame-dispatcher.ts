import type { AuctionHouse, Clock } from '@outcry/core';
import { isOpaqueId, isOutcryError } from '@outcry/core';
import type { AdmitBid } from './admit-bid.js';
import { fitsStoredBidId, toClientOutcome, toStoredBidId } from './bid-ids.js';
import type { Connection } from './connection.js';
import type { GatewayErrorCode } from './error-codes.js';
import type { AuthFrame, BidFrame, ClientFrame, SubscribeFrame } from './frames.js';
import type { GatewayCounters } from './gateway-metrics.js';
import type { Authenticate } from './gateway-options.js';
import { parseClientFrame } from './parse-client-frame.js';
import type { RoomRegistry } from './room-registry.js';
import type { UserIndex } from './user-index.js';

/** Codes of house failures passed on to clients as they are; anything else is UNAVAILABLE. */
const PASSED_ON: ReadonlySet<string> = new Set<GatewayErrorCode>([
  'UNAVAILABLE',
  'TIMEOUT',
  'SHUTTING_DOWN',
  'RATE_LIMITED',
]);

/** What an error frame about a bid names. */
type BidAbout = { auctionId: string; bidId?: string };

/**
 * Turns client messages into actions: rate limit, parse, then auth / subscribe / unsubscribe /
 * bid (admitted by the app's `admitBid` when given) / ping. Frames of one connection are handled
 * in order: while an `auth` is pending, later frames wait for it, so `auth` then `bid` sent back
 * to back works. Nothing here throws to `ws`.
 */
export class FrameDispatcher {
  readonly #house: AuctionHouse;
  readonly #authenticate: Authenticate | null;
  readonly #admitBid: AdmitBid | null;
  readonly #rooms: RoomRegistry;
  readonly #users: UserIndex;
  readonly #counters: GatewayCounters;
  readonly #clock: Clock;
  readonly #maxSubscriptions: number;

  constructor(options: {
    house: AuctionHouse;
    authenticate: Authenticate | null;
    admitBid: AdmitBid | null;
    rooms: RoomRegistry;
    users: UserIndex;
    counters: GatewayCounters;
    clock: Clock;
    maxSubscriptions: number;
  }) {
    this.#house = options.house;
    this.#authenticate = options.authenticate;
    this.#admitBid = options.admitBid;
    this.#rooms = options.rooms;
    this.#users = options.users;
    this.#counters = options.counters;
    this.#clock = options.clock;
    this.#maxSubscriptions = options.maxSubscriptions;
  }

  /** One message from a client. */
  receive(connection: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    try {
      this.#counters.framesReceived++;
      connection.alive = true;
      const waitMs = connection.admit(Date.now());
      if (waitMs > 0) {
        connection.sendRateLimited(`Too many frames: try again in ${waitMs} ms.`, waitMs);
        return;
      }
      const parsed = parseClientFrame(data, isBinary);
      if (!parsed.ok) {
        connection.sendError(
          parsed.code,
          parsed.message,
          parsed.auctionId === undefined ? {} : { auctionId: parsed.auctionId },
        );
        return;
      }
      if (connection.waiting !== null) {
        if (!connection.wait(parsed.frame)) connection.sendError('RATE_LIMITED', 'Too many frames waiting for auth.');
        return;
      }
      this.#run(connection, parsed.frame);
    } catch {
      this.#counters.internalErrors++;
    }
  }

  #run(connection: Connection, frame: ClientFrame): void {
    switch (frame.type) {
      case 'auth':
        this.#auth(connection, frame);
        return;
      case 'subscribe':
        this.#subscribe(connection, frame);
        return;
      case 'unsubscribe': {
        const subscription = connection.subscriptions.get(frame.auctionId);
        if (subscription !== undefined) subscription.room.leave(subscription);
        return;
      }
      case 'bid':
        this.#bid(connection, frame);
        return;
      case 'ping':
        connection.send({ type: 'pong', serverTime: this.#clock.now() });
        return;
    }
  }

  #auth(connection: Connection, frame: AuthFrame): void {
    const authenticate = this.#authenticate;
    if (authenticate === null) {
      connection.sendError('UNAUTHORIZED', 'This server takes no tokens: watching is anonymous.');
      return;
    }
    connection.waiting = [];
    let verdict: Promise<string | null>;
    try {
      verdict = Promise.resolve(authenticate(frame.token));
    } catch (error) {
      verdict = Promise.reject(error);
    }
    verdict
      .then(
        (userId) => {
          if (!isOpaqueId(userId)) {
            connection.sendError('UNAUTHORIZED', 'The token was refused.');
            return;
          }
          this.identify(connection, userId);
          connection.send({ type: 'auth.ok', userId });
        },
        () => connection.sendError('UNAUTHORIZED', 'The token was refused.'),
      )
      .finally(() => this.#resume(connection))
      .catch(() => this.#counters.internalErrors++);
  }

  /** Frames that waited for the auth run now, in order, unless another auth makes them wait again. */
  #resume(connection: Connection): void {
    const waiting = connection.waiting ?? [];
    connection.waiting = null;
    for (let i = 0; i < waiting.length; i++) {
      const frame = waiting[i] as ClientFrame;
      // A frame run below may have been an auth that made the rest wait again.
      const again = connection.waiting as ClientFrame[] | null;
      if (again !== null) {
        again.push(...waiting.slice(i));
        return;
      }
      if (connection.open) this.#run(connection, frame);
    }
  }

  /** Make `userId` the connection's user. */
  identify(connection: Connection, userId: string): void {
    if (connection.userId === userId) return;
    if (connection.userId !== null) this.#users.remove(connection.userId, connection);
    connection.userId = userId;
    this.#users.add(userId, connection);
  }

  #subscribe(connection: Connection, frame: SubscribeFrame): void {
    const resumeFrom = frame.lastSeq ?? null;
    const existing = connection.subscriptions.get(frame.auctionId);
    if (existing !== undefined) {
      // A repeated subscribe is a request to resynchronise.
      existing.resumeFrom = resumeFrom;
      connection.behind.delete(existing);
      existing.room.requestSnapshot(existing);
      return;
    }
    if (connection.subscriptions.size >= this.#maxSubscriptions) {
      connection.sendError('SUBSCRIPTION_LIMIT', `At most ${this.#maxSubscriptions} subscriptions per connection.`, {
        auctionId: frame.auctionId,
      });
      return;
    }
    this.#rooms.join(frame.auctionId, connection, resumeFrom);
  }

  #bid(connection: Connection, frame: BidFrame): void {
    const about =
      frame.bidId === undefined ? { auctionId: frame.auctionId } : { auctionId: frame.auctionId, bidId: frame.bidId };
    const bidderId = connection.userId;
    if (bidderId === null) {
      connection.sendError('UNAUTHORIZED', 'Authenticate (auth frame or token) before bidding.', about);
      return;
    }
    if (frame.bidId !== undefined && !fitsStoredBidId(bidderId, frame.bidId)) {
      connection.sendError(
        'INVALID_INPUT',
        'Invalid bid frame: bidId is too long for this user id (stored as <length>:<userId>:<bidId>, at most 256 characters).',
        about,
      );
      return;
    }
    if (this.#admitBid === null) this.#place(connection, frame, bidderId, about);
    else this.#admit(this.#admitBid, connection, frame, bidderId, about);
  }

  /** Asks `admitBid`, then places the bid or refuses it with RATE_LIMITED (UNAVAILABLE when it fails). */
  #admit(admitBid: AdmitBid, connection: Connection, frame: BidFrame, bidderId: string, about: BidAbout): void {
    let verdict: number | Promise<number>;
    try {
      verdict = admitBid(bidderId);
    } catch (error) {
      verdict = Promise.reject(error);
    }
    const decide = (waitMs: number) => {
      if (typeof waitMs === 'number' && waitMs > 0) {
        const retryAfterMs = Math.ceil(waitMs);
        connection.sendRateLimited(`Too many bids: try again in ${retryAfterMs} ms.`, retryAfterMs, about);
      } else {
        this.#place(connection, frame, bidderId, about);
      }
    };
    const before = connection.admitting;
    if (typeof verdict === 'number' && before === null) {
      decide(verdict);
      return;
    }
    // The limiter is asked at once (its answers may share a round trip), but the connection's
    // bids reach the house in the order they were sent.
    const answered = verdict;
    const after = (before ?? Promise.resolve())
      .then(() => answered)
      .then(decide, () => connection.sendError('UNAVAILABLE', 'The bid could not be admitted; try again.', about))
      .catch(() => {
        this.#counters.internalErrors++;
      })
      .finally(() => {
        if (connection.admitting === after) connection.admitting = null;
      });
    connection.admitting = after;
  }

  #place(connection: Connection, frame: BidFrame, bidderId: string, about: BidAbout): void {
    this.#counters.bids++;
    const input =
      frame.bidId === undefined
        ? { auctionId: frame.auctionId, bidderId, amount: frame.amount }
        : { auctionId: frame.auctionId, bidderId, amount: frame.amount, bidId: toStoredBidId(bidderId, frame.bidId) };
    let outcome: ReturnType<AuctionHouse['placeBid']>;
    try {
      outcome = this.#house.placeBid(input);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome.then(
      (result) => connection.send({ type: 'bid.result', outcome: toClientOutcome(bidderId, result) }),
      (error: unknown) => {
        const code =
          isOutcryError(error) && PASSED_ON.has(error.code) ? (error.code as GatewayErrorCode) : 'UNAVAILABLE';
        const message = isOutcryError(error) ? error.message : 'The bid could not be taken; try again.';
        connection.sendError(code, message, about);
      },
    );
  }
}
