import type { FastifyInstance } from 'fastify';
import { type AppContext, callerOf, enforceRate } from '../app-context.js';
import { toClientHistoryRow } from '../bid-ids.js';
import { ApiError } from '../http-errors.js';
import { requireUser } from '../request-auth.js';
import {
  auctionIdOf,
  bidsQuerySchema,
  cancelBodySchema,
  listQuerySchema,
  optionalBody,
  parseRequest,
} from '../request-schemas.js';

/** Auctions: create, list, details, bid history, statistics, cancel. */
export function registerAuctionRoutes(app: FastifyInstance, context: AppContext): void {
  const { house } = context;

  app.post('/auctions', async (request, reply) => {
    const sellerId = requireUser(callerOf(context, request));
    await enforceRate(context.writeLimiter, `user:${sellerId}`);
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError('INVALID_INPUT', 'Invalid auction: the body must be a JSON object.', {
        details: [{ path: '', message: 'must be a JSON object' }],
      });
    }
    const fields = body as Record<string, unknown>;
    if ('sellerId' in fields && fields.sellerId !== sellerId) {
      throw new ApiError('INVALID_INPUT', 'Invalid auction: sellerId is the caller; leave it out.', {
        details: [{ path: 'sellerId', message: 'must be left out (the caller is the seller)' }],
      });
    }
    // The house validates the rest with createAuctionInputSchema (INVALID_INPUT with details).
    const auction = await house.createAuction({ ...(fields as object), sellerId } as Parameters<
      typeof house.createAuction
    >[0]);
    return reply
      .code(201)
      .header('Location', `/auctions/${encodeURIComponent(auction.id)}`)
      .send(auction);
  });

  app.get('/auctions', async (request) => {
    const query = parseRequest(listQuerySchema, request.query, 'INVALID_INPUT', 'query');
    return house.listAuctions(query);
  });

  app.get('/auctions/:id', async (request) => {
    const auction = await house.getAuction(auctionIdOf(request.params));
    if (auction === null) throw new ApiError('AUCTION_NOT_FOUND', 'No auction with that id.');
    return auction;
  });

  app.get('/auctions/:id/bids', async (request) => {
    const id = auctionIdOf(request.params);
    const query = parseRequest(bidsQuerySchema, request.query, 'INVALID_INPUT', 'query');
    if ((await house.getAuction(id)) === null) throw new ApiError('AUCTION_NOT_FOUND', 'No auction with that id.');
    const { items } = await house.getBids(id, query);
    return { items: items.map(toClientHistoryRow) };
  });

  app.get('/auctions/:id/stats', async (request) => {
    const stats = await house.getStats(auctionIdOf(request.params));
    if (stats === null) throw new ApiError('AUCTION_NOT_FOUND', 'No auction with that id.');
    return stats;
  });

  app.post('/auctions/:id/cancel', async (request) => {
    const caller = callerOf(context, request);
    const id = auctionIdOf(request.params);
    const { reason } = parseRequest(cancelBodySchema, optionalBody(request.body), 'INVALID_INPUT', 'cancellation');
    let by = 'admin';
    if (caller.kind !== 'admin') {
      const userId = requireUser(caller);
      await enforceRate(context.writeLimiter, `user:${userId}`);
      const auction = await house.getAuction(id);
      if (auction === null) throw new ApiError('AUCTION_NOT_FOUND', 'No auction with that id.');
      if (auction.sellerId !== userId)
        throw new ApiError('FORBIDDEN', 'Only the seller (or an admin) may cancel this auction.');
      by = userId;
    }
    return house.cancelAuction(id, reason === undefined ? { by } : { by, reason });
  });
}
