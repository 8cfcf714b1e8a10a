import { randomUUID } from 'node:crypto';
import type { BidOutcome } from '@outcry/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type AppContext, callerOf, enforceRate } from '../app-context.js';
import { clientBidIdSchema, toClientOutcome, toStoredBidId } from '../bid-ids.js';
import { ApiError, statusOf } from '../http-errors.js';
import { requireUser } from '../request-auth.js';
import {
  auctionIdOf,
  buyNowBodySchema,
  optionalBody,
  parseBidBody,
  parseBidQuery,
  parseRequest,
} from '../request-schemas.js';

/** Bids: place (sync or `?wait=false`), look up, buy now. */
export function registerBidRoutes(app: FastifyInstance, context: AppContext): void {
  const { house, metrics, pendingBids } = context;

  /** 200 with an accepted outcome; a rejection in the error shape, the outcome as its details. */
  const answer = (reply: FastifyReply, userId: string, outcome: BidOutcome) => {
    const shown = toClientOutcome(userId, outcome);
    if (shown.status === 'accepted') return reply.code(200).send(shown);
    metrics.recordError(shown.code);
    const details = shown.code === 'INVALID_BID' && shown.details !== undefined ? shown.details : shown;
    return reply.code(statusOf(shown.code)).send({ error: { code: shown.code, message: shown.message, details } });
  };

  app.post('/auctions/:id/bids', async (request, reply) => {
    const startedAt = process.hrtime.bigint();
    const userId = requireUser(callerOf(context, request));
    await enforceRate(context.bidLimiter, userId);
    const auctionId = auctionIdOf(request.params);
    const { wait } = parseBidQuery(request.query);
    const { amount, bidId } = parseBidBody(request.body);
    if (wait === 'false') {
      // The caller will look it up by id: make one when none was given.
      const clientId = bidId ?? randomUUID();
      const storedId = toStoredBidId(userId, clientId);
      pendingBids.add(storedId);
      await house.submitBid({ auctionId, bidderId: userId, amount, bidId: storedId });
      return reply.code(202).send({ bidId: clientId, status: 'pending' });
    }
    // Without a bidId the house makes one (the answer carries it); with one, it is the user's key.
    const outcome = await house.placeBid(
      bidId === undefined
        ? { auctionId, bidderId: userId, amount }
        : { auctionId, bidderId: userId, amount, bidId: toStoredBidId(userId, bidId) },
    );
    metrics.recordBid(outcome, startedAt);
    return answer(reply, userId, outcome);
  });

  app.get('/bids/:bidId', async (request, reply) => {
    const userId = requireUser(callerOf(context, request));
    const raw = (request.params as { bidId?: unknown }).bidId;
    const parsed = clientBidIdSchema.safeParse(raw);
    if (!parsed.success) throw new ApiError('BID_NOT_FOUND', 'No bid of yours with that id.');
    const storedId = toStoredBidId(userId, parsed.data);
    const outcome = await house.getBidOutcome(storedId);
    if (outcome === null) {
      if (pendingBids.has(storedId)) return reply.code(202).send({ bidId: parsed.data, status: 'pending' });
      throw new ApiError('BID_NOT_FOUND', 'No bid of yours with that id.');
    }
    pendingBids.delete(storedId);
    // A judged bid is found: 200 whether it was accepted or rejected; the outcome says which.
    return reply.code(200).send(toClientOutcome(userId, outcome));
  });

  app.post('/auctions/:id/buy-now', async (request, reply) => {
    const startedAt = process.hrtime.bigint();
    const userId = requireUser(callerOf(context, request));
    await enforceRate(context.bidLimiter, userId);
    const auctionId = auctionIdOf(request.params);
    const { bidId } = parseRequest(buyNowBodySchema, optionalBody(request.body), 'INVALID_BID', 'buy-now');
    const outcome = await house.buyNow(
      bidId === undefined
        ? { auctionId, bidderId: userId }
        : { auctionId, bidderId: userId, bidId: toStoredBidId(userId, bidId) },
    );
    metrics.recordBid(outcome, startedAt);
    return answer(reply, userId, outcome);
  });
}
