import type { AuctionHouse } from '@outcry/core';
import { createWebSocketGateway, type WebSocketGateway } from '@outcry/ws-adapter';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { AppContext } from './app-context.js';
import { PendingBids } from './bid-ids.js';
import type { ServerConfig } from './config.js';
import { createRateLimiters } from './create-rate-limiters.js';
import { DemoFloor, type DemoTiming } from './demo-floor.js';
import { ApiError, describeError } from './http-errors.js';
import { requestIdOf } from './request-id.js';
import { registerAdminRoutes } from './routes/admin-routes.js';
import { registerAuctionRoutes } from './routes/auction-routes.js';
import { registerBidRoutes } from './routes/bid-routes.js';
import { registerMonitoringRoutes } from './routes/monitoring-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerWebRoutes } from './routes/web-routes.js';
import { ServerMetrics } from './server-metrics.js';
import { composeStores } from './stores.js';
import { SecretCheck, TokenSigner } from './token-signer.js';
import { fastifyTrustProxy } from './trust-proxy.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The running AuctionHouse behind the routes. */
    readonly house: AuctionHouse;
    /** What the routes share (config, signer, limiters, metrics). */
    readonly outcry: AppContext;
  }
}

/** Options of `buildApp` beyond the configuration. */
export interface BuildAppOptions {
  /** Fastify's logger option: pino options, or false. From `config.logLevel` by default. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Attach the WebSocket gateway at /ws (true). */
  readonly websocket?: boolean;
  /** Timing of the demo floor when `config.demo` is on (tests shorten it). */
  readonly demoTiming?: Partial<DemoTiming>;
}

/**
 * The whole server without listening: the house composed for `config.store` and started, every
 * route, the error table, the WebSocket gateway on the app's http.Server, and the demo floor.
 * `app.close()` stops intake, drains the house (answering every accepted caller) and closes the
 * stores. Call `app.listen()` (main.ts) or `app.inject()` (tests).
 */
export async function buildApp(config: ServerConfig, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? (config.logLevel === 'silent' ? false : { level: config.logLevel }),
    bodyLimit: config.bodyLimit,
    // Ids of requests in every log line; clients may send their own for tracing (requestIdOf).
    requestIdHeader: false,
    genReqId: requestIdOf,
    // Errors the router raises before any route (a bad URL, a path part over maxParamLength)
    // answer in the documented shape, like every other error.
    frameworkErrors: (error, _request, reply) => {
      const { status, body, headers } = describeError(error);
      (reply as FastifyReply).code(status).headers(headers).send(body);
    },
    // Requests that reach a closing server are answered by the onRequest hook below, in our shape.
    return503OnClosing: false,
    // Bids in flight must be answered: close waits for active requests, and idle sockets go at once.
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // request.ip (per-address limits, request logs) believes X-Forwarded-For only from these proxies.
    trustProxy: fastifyTrustProxy(config.trustProxy),
  });

  // Bodies are JSON only: Fastify's own text/plain parser would hand a string to the validators,
  // which would answer 422 for what is a wrong media type (415).
  app.removeContentTypeParser('text/plain');

  // The house writes what fails underneath (retried calls, refused commands, outages) to this log.
  const stores = await composeStores(config, app.log);
  const { house } = stores;
  let gateway: WebSocketGateway | null = null;
  const limiters = createRateLimiters(config, stores.redis, app.log);
  const context: AppContext = {
    config,
    house,
    signer: new TokenSigner({ secret: config.authSecret, ttlMs: config.tokenTtlMs }),
    admin: config.adminToken === null ? null : new SecretCheck(config.adminToken),
    metrics: new ServerMetrics(house, () =>
      gateway === null ? null : { connections: () => gateway?.metrics().connections ?? 0 },
    ),
    checks: stores.checks,
    bidLimiter: limiters.bids,
    writeLimiter: limiters.writes,
    pendingBids: new PendingBids(),
    startedAt: Date.now(),
    gateway: null,
  };
  app.decorate('house', house);
  app.decorate('outcry', context);

  app.setErrorHandler((error, request, reply) => {
    const { status, body, headers, internal } = describeError(error);
    if (internal) request.log.error({ err: error }, 'unexpected error');
    context.metrics.recordError(body.error.code);
    return reply.code(status).headers(headers).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new ApiError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`);
    const { status, body } = describeError(error);
    context.metrics.recordError(body.error.code);
    return reply.code(status).send(body);
  });

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // A request on a kept-alive connection while the server stops: told so, and the connection ends.
  app.addHook('onRequest', (_request, _reply, done) => {
    if (!closing) return done();
    done(
      new ApiError('SHUTTING_DOWN', 'The server is stopping; try again in a moment.', {
        headers: { Connection: 'close', 'Retry-After': '1' },
      }),
    );
  });

  registerSessionRoutes(app, context);
  registerAuctionRoutes(app, context);
  registerBidRoutes(app, context);
  registerAdminRoutes(app, context);
  registerMonitoringRoutes(app, context);
  registerWebRoutes(app);

  let demo: DemoFloor | null = null;
  app.addHook('onClose', async () => {
    demo?.stop();
    await gateway?.close();
    // The house answers every caller already waiting before it stops (SHUTTING_DOWN for new ones).
    await house.stop();
    await stores.close();
  });

  try {
    await house.start();
    if (options.websocket ?? true) {
      gateway = createWebSocketGateway({
        house,
        server: app.server,
        path: '/ws',
        authenticate: (token) => context.signer.verify(token),
        // Only pages of this server (or the configured origins) may open a socket with a user's token.
        origins: config.wsOrigins,
        rateLimit: { perSecond: config.bidRate.perSecond, burst: config.bidRate.burst },
        // One bid limit per user: the same buckets as the HTTP bids, over every connection.
        admitBid: (userId) => context.bidLimiter.take(userId),
      });
      const attached = gateway;
      context.gateway = { metrics: () => ({ ...attached.metrics() }) };
    }
    if (config.demo) {
      demo = new DemoFloor(house, app.log, options.demoTiming);
      await demo.start();
    }
    await app.ready();
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}
