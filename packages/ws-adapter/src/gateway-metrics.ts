/** Figures of one gateway since it started (counters) and now (gauges). */
export interface GatewayMetrics {
  /** Open connections now. */
  readonly connections: number;
  /** Open connections with an authenticated user now. */
  readonly authenticated: number;
  /** Auctions with at least one subscriber now (one house subscription each). */
  readonly rooms: number;
  /** Subscriptions (connection x auction) now. */
  readonly subscriptions: number;
  /** Connections accepted since start. */
  readonly connectionsOpened: number;
  /** Upgrade requests refused (origin, token, shutdown). */
  readonly upgradesRejected: number;
  /** Frames received from clients. */
  readonly framesReceived: number;
  /** Error frames sent, by code. */
  readonly errors: Readonly<Record<string, number>>;
  /** Events received from the house, once per room. */
  readonly eventsReceived: number;
  /** Event frames delivered, once per socket. */
  readonly eventsDelivered: number;
  /** Socket writes of event frames: one per socket per tick, however many events the tick had. */
  readonly fanoutWrites: number;
  /** Longest time one room took to write one tick of events to all its sockets, in ms. */
  readonly slowestFanoutMs: number;
  /** Snapshot frames sent (subscribe, gap, after draining). */
  readonly snapshotsSent: number;
  /** Gaps in seq seen by subscriptions (each answered with a snapshot). */
  readonly gaps: number;
  /** Bid frames taken to the house. */
  readonly bids: number;
  /** Outbid frames sent (one per connection). */
  readonly outbidsSent: number;
  /** Bytes waiting in send buffers now: the sum over connections, and the largest one. */
  readonly bufferedBytes: { readonly total: number; readonly max: number };
  /** Slow consumers: behind now, marked behind since start, recovered with a snapshot, closed 1013. */
  readonly slowConsumers: {
    readonly behind: number;
    readonly marked: number;
    readonly recovered: number;
    readonly closed: number;
  };
  /** Direct replies dropped because the connection's send buffer was far over the limit. */
  readonly repliesDropped: number;
  /** Connections ended by the heartbeat (no pong in time). */
  readonly heartbeatTerminations: number;
  /** Failures caught inside listeners and handlers (none is expected; each would have been a crash). */
  readonly internalErrors: number;
}

/** The counters behind `GatewayMetrics`; gauges are computed when read. */
export class GatewayCounters {
  connectionsOpened = 0;
  upgradesRejected = 0;
  framesReceived = 0;
  readonly errors: Record<string, number> = {};
  eventsReceived = 0;
  eventsDelivered = 0;
  fanoutWrites = 0;
  slowestFanoutMs = 0;
  snapshotsSent = 0;
  gaps = 0;
  bids = 0;
  outbidsSent = 0;
  slowMarked = 0;
  slowRecovered = 0;
  slowClosed = 0;
  repliesDropped = 0;
  heartbeatTerminations = 0;
  internalErrors = 0;

  countError(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }
}
