import type { FastifyInstance } from 'fastify';
import { type AppContext, callerOf } from '../app-context.js';
import { requireAdmin } from '../request-auth.js';
import { optionalBody, parseRequest, warmBodySchema } from '../request-schemas.js';

/** Admin: figures of every part, and the snapshot cache by hand. ADMIN_TOKEN only. */
export function registerAdminRoutes(app: FastifyInstance, context: AppContext): void {
  const { config } = context;

  // An encapsulated scope: the admin check runs for these routes only.
  app.register(async (scope) => {
    scope.addHook('onRequest', async (request) => {
      // Off without ADMIN_TOKEN, whatever the request carries.
      if (config.adminToken === null) requireAdmin({ kind: 'anonymous' }, null);
      requireAdmin(callerOf(context, request), config.adminToken);
    });
    registerAdminScope(scope, context);
  });
}

function registerAdminScope(app: FastifyInstance, context: AppContext): void {
  const { house, config } = context;

  app.get('/admin/stats', async () => {
    const memory = process.memoryUsage();
    return {
      store: config.store,
      pid: process.pid,
      uptimeMs: Date.now() - context.startedAt,
      house: house.metrics(),
      websocket: context.gateway?.metrics() ?? null,
      rateLimits: { bids: context.bidLimiter.stats(), writes: context.writeLimiter.stats() },
      process: { rss: memory.rss, heapUsed: memory.heapUsed },
    };
  });

  app.post('/admin/cache/warm', async (request) => {
    const { auctionIds } = parseRequest(warmBodySchema, optionalBody(request.body), 'INVALID_INPUT', 'warm request');
    const warmed = await house.warmCache(auctionIds);
    return { warmed, cache: house.metrics().cache };
  });

  app.post('/admin/cache/clear', async () => {
    await house.clearCache();
    return { cleared: true, cache: house.metrics().cache };
  });
}
