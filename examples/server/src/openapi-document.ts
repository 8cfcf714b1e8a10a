import { createAuctionInputSchema } from '@outcry/core';
import { z } from 'zod';
import { ALL_ERROR_CODES, HTTP_ERRORS } from './http-errors.js';
import {
  bidBodySchema,
  bidQuerySchema,
  bidsQuerySchema,
  buyNowBodySchema,
  cancelBodySchema,
  listQuerySchema,
  sessionBodySchema,
  warmBodySchema,
} from './request-schemas.js';

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema (2020-12, which OpenAPI 3.1 uses), without the `$schema` line. */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** The create body: core's schema without `sellerId`, which is the caller. */
function createAuctionBodySchema(): JsonSchema {
  const schema = jsonSchemaOf(createAuctionInputSchema);
  const properties = { ...(schema.properties as Record<string, unknown>) };
  delete properties.sellerId;
  const required = (schema.required as string[] | undefined)?.filter((name) => name !== 'sellerId');
  return { ...schema, properties, ...(required === undefined ? {} : { required }) };
}

/** Query parameters from an object schema. */
function queryParameters(schema: z.ZodType): JsonSchema[] {
  const json = jsonSchemaOf(schema);
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries((json.properties as Record<string, JsonSchema>) ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: required.has(name),
    schema: property,
  }));
}

const idParameter = (name: string, what: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: what,
});
const json = (schema: JsonSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errors = (...codes: string[]) =>
  Object.fromEntries(
    [...new Set(codes.map((code) => HTTP_ERRORS[code as keyof typeof HTTP_ERRORS].status))].map((status) => [
      String(status),
      json(
        ref('Error'),
        codes.filter((code) => HTTP_ERRORS[code as keyof typeof HTTP_ERRORS].status === status).join(', '),
      ),
    ]),
  );
const body = (schema: JsonSchema, required = true) => ({ required, content: { 'application/json': { schema } } });
const user = [{ bearer: [] }];

/** The OpenAPI 3.1 document of the server, built from the same zod schemas the routes parse with. */
export function buildOpenApiDocument(): JsonSchema {
  const auction = json(ref('Auction'), 'The public view of the auction.');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Outcry live auctions',
      version: '0.1.0',
      description:
        'Live English auctions with proxy bidding. Money is in integer minor units (cents). Writes need `Authorization: Bearer <token>` (POST /session in development); admin routes need the ADMIN_TOKEN. Every error is `{ error: { code, message, details? } }`. Live updates: WebSocket at /ws.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from POST /session, or the ADMIN_TOKEN for admin routes.',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: [...ALL_ERROR_CODES] },
                message: { type: 'string' },
                details: {
                  description: 'Zod issues `[{ path, message }]` for invalid input; the outcome of a rejected bid.',
                },
              },
            },
          },
        },
        Auction: {
          type: 'object',
          description: 'Public view: never the maxima of bidders nor the reserve amount.',
          properties: Object.fromEntries(
            [
              ['id', 'string'],
              ['sellerId', 'string'],
              ['title', 'string'],
              ['currency', 'string'],
              ['status', 'string'],
              ['startingPrice', 'integer'],
              ['price', 'integer'],
              ['leaderId', ['string', 'null']],
              ['bidCount', 'integer'],
              ['minimumBid', ['integer', 'null']],
              ['reserveMet', 'boolean'],
              ['hasReserve', 'boolean'],
              ['buyNowPrice', ['integer', 'null']],
              ['buyNowAvailable', 'boolean'],
              ['startsAt', 'integer'],
              ['endsAt', 'integer'],
              ['originalEndsAt', 'integer'],
              ['extensions', 'integer'],
              ['seq', 'integer'],
              ['result', ['object', 'null']],
              ['metadata', ['object', 'null']],
            ].map(([name, type]) => [name as string, { type }]),
          ),
        },
        BidOutcome: {
          type: 'object',
          description:
            'accepted: { status, bidId, auctionId, seq, price, leaderId, leading, endsAt, minimumBid }; rejected: { status, bidId, auctionId, code, message, minimumBid? }.',
          properties: { status: { type: 'string', enum: ['accepted', 'rejected'] } },
        },
      },
    },
    paths: {
      '/session': {
        post: {
          summary: 'Dev login: a signed token for a user name (DEV_LOGIN only).',
          requestBody: body(jsonSchemaOf(sessionBodySchema)),
          responses: {
            201: json({ type: 'object' }, '{ token, userId, expiresAt }'),
            ...errors('INVALID_INPUT', 'FORBIDDEN', 'RATE_LIMITED'),
          },
        },
      },
      '/auctions': {
        post: {
          summary: 'Create an auction; the caller becomes its seller.',
          security: user,
          requestBody: body(createAuctionBodySchema()),
          responses: { 201: auction, ...errors('INVALID_INPUT', 'UNAUTHORIZED', 'AUCTION_EXISTS', 'RATE_LIMITED') },
        },
        get: {
          summary: 'Auctions, newest first, optionally of one status, with a cursor.',
          parameters: queryParameters(listQuerySchema),
          responses: { 200: json({ type: 'object' }, '{ items: Auction[], nextCursor }'), ...errors('INVALID_INPUT') },
        },
      },
      '/auctions/{id}': {
        get: {
          summary: 'One auction.',
          parameters: [idParameter('id', 'auction id')],
          responses: { 200: auction, ...errors('AUCTION_NOT_FOUND') },
        },
      },
      '/auctions/{id}/bids': {
        get: {
          summary: 'The public bid history (price and leader after each bid, never maxima).',
          parameters: [idParameter('id', 'auction id'), ...queryParameters(bidsQuerySchema)],
          responses: {
            200: json({ type: 'object' }, '{ items: [{ seq, bidId, bidderId, price, leaderId, at, buyNow }] }'),
            ...errors('AUCTION_NOT_FOUND', 'INVALID_INPUT'),
          },
        },
        post: {
          summary: 'Place a bid: your maximum, bid by proxy. `?wait=false` answers 202 { bidId } at once.',
          security: user,
          parameters: [idParameter('id', 'auction id'), ...queryParameters(bidQuerySchema)],
          requestBody: body(jsonSchemaOf(bidBodySchema)),
          responses: {
            200: json(ref('BidOutcome'), 'The accepted outcome.'),
            202: json({ type: 'object' }, '{ bidId, status: "pending" } (wait=false)'),
            ...errors(
              'AUCTION_NOT_FOUND',
              'AUCTION_NOT_OPEN',
              'AUCTION_ENDED',
              'AUCTION_CANCELLED',
              'BID_TOO_LOW',
              'SELLER_CANNOT_BID',
              'DUPLICATE_BID',
              'INVALID_BID',
              'UNAUTHORIZED',
              'RATE_LIMITED',
            ),
          },
        },
      },
      '/auctions/{id}/stats': {
        get: {
          summary: 'Figures of one auction.',
          parameters: [idParameter('id', 'auction id')],
          responses: {
            200: json(
              { type: 'object' },
              '{ bidCount, uniqueBidders, startingPrice, price, priceIncrease, priceIncreasePct, extensions, timeLeftMs }',
            ),
            ...errors('AUCTION_NOT_FOUND'),
          },
        },
      },
      '/auctions/{id}/buy-now': {
        post: {
          summary: 'Buy at the buy-now price while it is available.',
          security: user,
          parameters: [idParameter('id', 'auction id')],
          requestBody: body(jsonSchemaOf(buyNowBodySchema), false),
          responses: {
            200: json(ref('BidOutcome'), 'The accepted outcome.'),
            ...errors('BUY_NOW_UNAVAILABLE', 'AUCTION_NOT_FOUND', 'SELLER_CANNOT_BID', 'UNAUTHORIZED'),
          },
        },
      },
      '/auctions/{id}/cancel': {
        post: {
          summary: 'Cancel an auction that has not ended (its seller, or the admin).',
          security: user,
          parameters: [idParameter('id', 'auction id')],
          requestBody: body(jsonSchemaOf(cancelBodySchema), false),
          responses: { 200: auction, ...errors('FORBIDDEN', 'AUCTION_NOT_FOUND', 'AUCTION_ENDED', 'UNAUTHORIZED') },
        },
      },
      '/bids/{bidId}': {
        get: {
          summary: 'The outcome of one of your bids (for bids placed with wait=false).',
          security: user,
          parameters: [idParameter('bidId', 'your bidId')],
          responses: {
            200: json(ref('BidOutcome'), 'Judged: accepted or rejected.'),
            202: json({ type: 'object' }, 'Not judged yet.'),
            ...errors('BID_NOT_FOUND', 'UNAUTHORIZED'),
          },
        },
      },
      '/health': { get: { summary: 'Liveness.', responses: { 200: json({ type: 'object' }, '{ status: "ok" }') } } },
      '/ready': {
        get: {
          summary: 'Readiness: the house, and each dependency (Redis PING, PostgreSQL SELECT 1).',
          responses: {
            200: json({ type: 'object' }, '{ status: "ready", checks }'),
            503: json({ type: 'object' }, '{ status: "not-ready", checks, error }'),
          },
        },
      },
      '/metrics': {
        get: { summary: 'Prometheus metrics.', responses: { 200: { description: 'Prometheus text format.' } } },
      },
      '/admin/stats': {
        get: {
          summary: 'Figures of house, cache, queue, sequencers, broadcaster, WebSocket.',
          security: user,
          responses: { 200: json({ type: 'object' }, 'Figures.'), ...errors('UNAUTHORIZED', 'FORBIDDEN') },
        },
      },
      '/admin/cache/warm': {
        post: {
          summary: 'Load auctions into the snapshot cache (the given ids, or the newest open ones).',
          security: user,
          requestBody: body(jsonSchemaOf(warmBodySchema), false),
          responses: {
            200: json({ type: 'object' }, '{ warmed, cache }'),
            ...errors('UNAUTHORIZED', 'FORBIDDEN', 'INVALID_INPUT'),
          },
        },
      },
      '/admin/cache/clear': {
        post: {
          summary: 'Empty the snapshot cache.',
          security: user,
          responses: { 200: json({ type: 'object' }, '{ cleared, cache }'), ...errors('UNAUTHORIZED', 'FORBIDDEN') },
        },
      },
      '/openapi.json': { get: { summary: 'This document.', responses: { 200: { description: 'OpenAPI 3.1.' } } } },
      '/docs': { get: { summary: 'This document, readable.', responses: { 200: { description: 'HTML.' } } } },
      '/': { get: { summary: 'The live auction web page.', responses: { 200: { description: 'HTML.' } } } },
    },
  };
}
