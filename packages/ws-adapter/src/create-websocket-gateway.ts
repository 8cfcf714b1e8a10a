import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type AuctionEvent, isOpaqueId } from '@outcry/core';
import { type WebSocket, WebSocketServer } from 'ws';
import { Connection } from './connection.js';
import { FrameDispatcher } from './frame-dispatcher.js';
import type { OutbidFrame } from './frames.js';
import { GatewayCounters, type GatewayMetrics } from './gateway-metrics.js';
import { resolveGatewayOptions, type WebSocketGatewayOptions } from './gateway-options.js';
import { Heartbeat } from './heartbeat.js';
import { RoomRegistry } from './room-registry.js';
import { SlowConsumerPolicy } from './slow-consumer-policy.js';
import { isOriginAllowed, readUpgradeToken, requestPath } from './upgrade-request.js';
import { UserIndex } from './user-index.js';

/** A running gateway. */
export interface WebSocketGateway {
  /** Figures of this gateway: connections, rooms, frames, fan-out, slow consumers. */
  metrics(): GatewayMetrics;
  /** Stop taking upgrades, close every connection with 1001, leave the house. Idempotent. */
  close(): Promise<void>;
}

/** How long `close()` waits for clients to answer the close handshake before cutting them off. */
const CLOSE_WAIT_MS = 2_000;

/**
 * Serve the Outcry WebSocket protocol on `path` of an existing HTTP(S) server: rooms per auction
 * fed by `house.subscribe`, bids through `house.placeBid`, outbid notices to every connection of
 * the bidder. See the package README for the protocol.
 */
export function createWebSocketGateway(options: WebSocketGatewayOptions): WebSocketGateway {
  const config = resolveGatewayOptions(options);
  const { house, server, clock } = config;
  const counters = new GatewayCounters();
  const policy = new SlowConsumerPolicy(
    { maxBufferedBytes: config.maxBufferedBytes, maxBehindMs: config.maxBehindMs, checkEveryMs: 50 },
    counters,
  );
  const rooms = new RoomRegistry(house, clock, counters, policy);
  // Outbid notices are listened to only while a user is connected: a gateway without users
  // then receives no broadcast of auctions its rooms do not watch.
  let offOutbid: (() => void) | null = null;
  const users = new UserIndex({
    occupied: () => {
      offOutbid ??= house.on('bidder.outbid', onOutbid);
    },
    vacated: () => {
      offOutbid?.();
      offOutbid = null;
    },
  });
  const dispatcher = new FrameDispatcher({
    house,
    authenticate: config.authenticate,
    admitBid: config.admitBid,
    rooms,
    users,
    counters,
    clock,
    maxSubscriptions: config.maxSubscriptions,
  });
  const connections = new Set<Connection>();
  // Per-message deflate off: fan-out writes pre-built uncompressed frames (see text-frame.ts).
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  });
  // Direct replies beyond this are dropped (a client that does not read must not grow memory).
  const replyLimit = config.maxBufferedBytes * 2 + 65_536;
  let nextId = 1;
  let closing: Promise<void> | null = null;

  const heartbeat = new Heartbeat(
    config.heartbeatMs,
    () => connections,
    () => counters.heartbeatTerminations++,
  );

  const onOutbid = (event: Extract<AuctionEvent, { type: 'bidder.outbid' }>) => {
    try {
      const reached = users.connectionsOf(event.bidderId);
      if (reached === undefined) return;
      const frame: OutbidFrame = { type: 'outbid', auctionId: event.auctionId, price: event.price };
      const text = JSON.stringify(frame);
      for (const connection of reached) {
        connection.sendText(text);
        counters.outbidsSent++;
      }
    } catch {
      counters.internalErrors++;
    }
  };

  function refuse(socket: Duplex, status: number, reason: string, count = true): void {
    if (count) counters.upgradesRejected++;
    socket.on('error', () => undefined);
    try {
      // The client may keep its side open: end ours fully once the answer is out.
      socket.once('finish', () => socket.destroy());
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } catch {
      socket.destroy();
    }
  }

  function accept(request: IncomingMessage, socket: Duplex, head: Buffer, userId: string | null): void {
    if (closing !== null) {
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const connection = new Connection({
        id: nextId++,
        ws,
        socket,
        userId: null,
        counters,
        rateLimit: config.rateLimit,
        replyLimit,
        now: Date.now(),
      });
      connections.add(connection);
      counters.connectionsOpened++;
      if (userId !== null) dispatcher.identify(connection, userId);
      ws.on('message', (data, isBinary) => dispatcher.receive(connection, data, isBinary));
      ws.on('pong', () => {
        connection.alive = true;
      });
      // ws reports protocol errors (oversized frame: 1009, bad UTF-8: 1007) here and closes itself.
      ws.on('error', () => undefined);
      ws.on('close', () => {
        try {
          connections.delete(connection);
          policy.forget(connection);
          rooms.leaveAll(connection);
          if (connection.userId !== null) users.remove(connection.userId, connection);
        } catch {
          counters.internalErrors++;
        }
      });
    });
  }

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    try {
      if (requestPath(request) !== config.path) {
        // Another listener may take this path; when none exists, nobody would ever end the socket.
        if (server.listenerCount('upgrade') === 1) refuse(socket, 404, 'Not Found', false);
        return;
      }
      // Until ws owns the socket, a reset must not become an uncaught 'error'.
      socket.on('error', () => undefined);
      if (closing !== null) {
        refuse(socket, 503, 'Service Unavailable');
        return;
      }
      if (!isOriginAllowed(request, config.origins)) {
        refuse(socket, 403, 'Forbidden');
        return;
      }
      const token = readUpgradeToken(request);
      if (token === null) {
        accept(request, socket, head, null);
        return;
      }
      const authenticate = config.authenticate;
      if (authenticate === null) {
        refuse(socket, 401, 'Unauthorized');
        return;
      }
      Promise.resolve()
        .then(() => authenticate(token))
        .then(
          (userId) => {
            if (isOpaqueId(userId)) accept(request, socket, head, userId);
            else refuse(socket, 401, 'Unauthorized');
          },
          () => refuse(socket, 401, 'Unauthorized'),
        )
        .catch(() => {
          counters.internalErrors++;
          socket.destroy();
        });
    } catch {
      counters.internalErrors++;
      socket.destroy();
    }
  }

  server.on('upgrade', onUpgrade);

  async function shutdown(): Promise<void> {
    server.off('upgrade', onUpgrade);
    heartbeat.stop();
    offOutbid?.();
    offOutbid = null;
    policy.stop();
    rooms.closeAll();
    const open = [...connections];
    await Promise.all(
      open.map(
        (connection) =>
          new Promise<void>((resolve) => {
            if (connection.ws.readyState === connection.ws.CLOSED) return resolve();
            const timer = setTimeout(() => {
              connection.terminate();
              resolve();
            }, CLOSE_WAIT_MS);
            connection.ws.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            connection.close(1001, 'Server shutting down');
          }),
      ),
    );
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  return {
    metrics(): GatewayMetrics {
      let total = 0;
      let max = 0;
      for (const connection of connections) {
        const buffered = connection.bufferedAmount;
        total += buffered;
        if (buffered > max) max = buffered;
      }
      return {
        connections: connections.size,
        authenticated: users.connections,
        rooms: rooms.size,
        subscriptions: rooms.subscriptions,
        connectionsOpened: counters.connectionsOpened,
        upgradesRejected: counters.upgradesRejected,
        framesReceived: counters.framesReceived,
        errors: { ...counters.errors },
        eventsReceived: counters.eventsReceived,
        eventsDelivered: counters.eventsDelivered,
        fanoutWrites: counters.fanoutWrites,
        slowestFanoutMs: counters.slowestFanoutMs,
        snapshotsSent: counters.snapshotsSent,
        gaps: counters.gaps,
        bids: counters.bids,
        outbidsSent: counters.outbidsSent,
        bufferedBytes: { total, max },
        slowConsumers: {
          behind: policy.behind,
          marked: counters.slowMarked,
          recovered: counters.slowRecovered,
          closed: counters.slowClosed,
        },
        repliesDropped: counters.repliesDropped,
        heartbeatTerminations: counters.heartbeatTerminations,
        internalErrors: counters.internalErrors,
      };
    },
    close(): Promise<void> {
      closing ??= shutdown();
      return closing;
    },
  };
}
