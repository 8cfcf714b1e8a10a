import { auctionIdSchema, createAuctionInputSchema } from '@outcry/core';
import { z } from 'zod';
import { clientBidIdSchema } from './bid-ids.js';
import { type ApiErrorCode, HTTP_STATUSES, meaningOf } from './http-errors.js';
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
import { RESPONSE_SCHEMAS } from './response-schemas.js';

type JsonSchema = Record<string, unknown>;

/** A JSON Schema without the keys that only make sense for a standalone document. */
function embedded(schema: JsonSchema): JsonSchema {
  const { $schema: _schema, $id: _id, ...rest } = schema;
  return rest;
}

/** A zod schema as JSON Schema (2020-12, which OpenAPI 3.1 uses). */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  return embedded(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema);
}

/** The response schemas as components, referring to each other by `$ref`. */
function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(RESPONSE_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io: 'output',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, embedded(schema)]));
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

const pathParameter = (name: string, schema: z.ZodType, description: string) => ({
  name,
  in: 'path',
  required: true,
  schema: jsonSchemaOf(schema),
  description,
});
const auctionIdParameter = () => pathParameter('id', auctionIdSchema, 'The auction id.');
const ref = (name: keyof typeof RESPONSE_SCHEMAS) => ({ $ref: `#/components/schemas/${name}` });
const answer = (name: keyof typeof RESPONSE_SCHEMAS, description: string) => ({
  description,
  content: { 'application/json': { schema: ref(name) } },
});
/** An error body of `code`, as an example. */
function errorExample(code: ApiErrorCode) {
  const message = meaningOf(code).replaceAll('`', '');
  const details =
    code === 'INVALID_INPUT' || code === 'INVALID_BID'
      ? { details: [{ path: code === 'INVALID_BID' ? 'amount' : 'title', message: 'must not be empty' }] }
      : {};
  return { summary: code, value: { error: { code, message, ...details } } };
}

/** The error answers of `codes`, one per status: each code with what it means, and an example of each. */
const errors = (...codes: ApiErrorCode[]) =>
  Object.fromEntries(
    [...new Set(codes.map((code) => HTTP_STATUSES[code]))].map((status) => {
      const these = codes.filter((code) => HTTP_STATUSES[code] === status);
      return [
        String(status),
        {
          description: these.map((code) => `\`${code}\`: ${meaningOf(code)}`).join('\n\n'),
          content: {
            'application/json': {
              schema: ref('Error'),
              examples: Object.fromEntries(these.map((code) => [code, errorExample(code)])),
            },
          },
        },
      ];
    }),
  );
const body = (schema: JsonSchema, example: unknown, required = true) => ({
  required,
  content: { 'application/json': { schema, example } },
});
const user = [{ bearer: [] }];
const page = (summary: string, description: string) => ({
  get: { tags: ['Pages'], summary, responses: { 200: { description } } },
});

const INTRODUCTION = [
  'Live English auctions with proxy bidding: a bid is the bidder’s maximum, and the house bids for them only as much as needed to lead.',
  '',
  '**Money** is integer minor units everywhere (cents for USD: `1250` is $12.50).',
  '',
  '**To try a write here**: call `POST /session` with `{ "userId": "alice" }`, copy the `token` of the answer, press **Authorize** and paste it. Admin routes take the server’s `ADMIN_TOKEN` instead.',
  '',
  '**Errors** are `{ error: { code, message, details? } }`; invalid input is 422 with `details: [{ path, message }]`, one per problem.',
  '',
  '**Live updates** come over the WebSocket at `/ws`.',
].join('\n');

/**
 * The OpenAPI 3.1 document of the server. Request bodies, queries and path ids come from the zod
 * schemas the routes parse with, answers from `response-schemas.ts`. `now` dates the examples.
 */
export function buildOpenApiDocument(now = Date.now()): JsonSchema {
  return {
    openapi: '3.1.0',
    info: { title: 'Outcry live auctions', version: '0.1.0', description: INTRODUCTION },
    tags: [
      { name: 'Session', description: 'Tokens for the other routes.' },
      { name: 'Auctions', description: 'List, read, create and cancel auctions.' },
      { name: 'Bids', description: 'Bid, buy now, and look up a bid.' },
      { name: 'Monitoring', description: 'Liveness, readiness and metrics.' },
      { name: 'Admin', description: 'Operations: need the ADMIN_TOKEN.' },
      { name: 'Pages', description: 'What a browser opens.' },
    ],
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A token from POST /session, or the ADMIN_TOKEN for admin routes.',
        },
      },
      schemas: componentSchemas(),
    },
    paths: {
      '/session': {
        post: {
          tags: ['Session'],
          summary: 'Sign in as anyone (development login)',
          description: 'A signed token for the named user, while `DEV_LOGIN` is on (off in production).',
          requestBody: body(jsonSchemaOf(sessionBodySchema), { userId: 'alice' }),
          responses: {
            201: answer('Session', 'The token and when it expires.'),
            ...errors('INVALID_INPUT', 'FORBIDDEN', 'RATE_LIMITED'),
          },
        },
      },
      '/auctions': {
        get: {
          tags: ['Auctions'],
          summary: 'List auctions, newest first',
          description: 'Optionally of one `status`; pass `nextCursor` back as `cursor` for the next page.',
          parameters: queryParameters(listQuerySchema),
          responses: { 200: answer('AuctionPage', 'A page of auctions.'), ...errors('INVALID_INPUT') },
        },
        post: {
          tags: ['Auctions'],
          summary: 'Create an auction',
          description:
            'The caller becomes the seller. Amounts are minor units; `endsAt` is in milliseconds since the epoch. The reserve may not be below the starting price, and a buy-now price must be above the starting price and not below the reserve.',
          security: user,
          requestBody: body(createAuctionBodySchema(), {
            title: 'Leica M3 with 50mm Summicron',
            currency: 'USD',
            startingPrice: 30_000,
            reservePrice: 60_000,
            buyNowPrice: 120_000,
            endsAt: now + 10 * 60_000,
            softClose: { windowMs: 60_000, extendMs: 30_000 },
          }),
          responses: {
            201: answer('Auction', 'The new auction.'),
            ...errors('INVALID_INPUT', 'UNAUTHORIZED', 'AUCTION_EXISTS', 'RATE_LIMITED'),
          },
        },
      },
      '/auctions/{id}': {
        get: {
          tags: ['Auctions'],
          summary: 'Read one auction',
          parameters: [auctionIdParameter()],
          responses: { 200: answer('Auction', 'The auction.'), ...errors('AUCTION_NOT_FOUND') },
        },
      },
      '/auctions/{id}/bids': {
        get: {
          tags: ['Auctions'],
          summary: 'Bid history',
          description: 'The price and the leader after each bid, oldest first: never a bidder’s maximum.',
          parameters: [auctionIdParameter(), ...queryParameters(bidsQuerySchema)],
          responses: {
            200: answer('BidHistory', 'The bids after `afterSeq`.'),
            ...errors('AUCTION_NOT_FOUND', 'INVALID_INPUT'),
          },
        },
        post: {
          tags: ['Bids'],
          summary: 'Place a bid',
          description:
            'The amount is your maximum: the house bids for you only as much as needed to lead. A `bidId` makes the bid idempotent. With `wait=false` the answer is 202 at once; look the outcome up with `GET /bids/{bidId}`. A refused bid is 409 or 422 with the outcome as `error.details`.',
          security: user,
          parameters: [auctionIdParameter(), ...queryParameters(bidQuerySchema)],
          requestBody: body(jsonSchemaOf(bidBodySchema), { amount: 12_500 }),
          responses: {
            200: answer('BidAccepted', 'The bid was accepted.'),
            202: answer('PendingBid', 'Taken, not judged yet (`wait=false`).'),
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
          tags: ['Auctions'],
          summary: 'Figures of one auction',
          parameters: [auctionIdParameter()],
          responses: { 200: answer('AuctionStats', 'The figures.'), ...errors('AUCTION_NOT_FOUND') },
        },
      },
      '/auctions/{id}/buy-now': {
        post: {
          tags: ['Bids'],
          summary: 'Buy now',
          description:
            'At the buy-now price, while it is available: until the first bid or, with a reserve, until the reserve is met.',
          security: user,
          parameters: [auctionIdParameter()],
          requestBody: body(jsonSchemaOf(buyNowBodySchema), {}, false),
          responses: {
            200: answer('BidAccepted', 'Bought.'),
            ...errors('BUY_NOW_UNAVAILABLE', 'AUCTION_NOT_FOUND', 'SELLER_CANNOT_BID', 'UNAUTHORIZED'),
          },
        },
      },
      '/auctions/{id}/cancel': {
        post: {
          tags: ['Auctions'],
          summary: 'Cancel an auction',
          description: 'An auction that has not ended, by its seller or the admin.',
          security: user,
          parameters: [auctionIdParameter()],
          requestBody: body(jsonSchemaOf(cancelBodySchema), { reason: 'Withdrawn by the seller' }, false),
          responses: {
            200: answer('Auction', 'The cancelled auction.'),
            ...errors('FORBIDDEN', 'AUCTION_NOT_FOUND', 'AUCTION_ENDED', 'UNAUTHORIZED'),
          },
        },
      },
      '/bids/{bidId}': {
        get: {
          tags: ['Bids'],
          summary: 'Look up one of your bids',
          description: 'The outcome of a bid placed with `wait=false`. Only your own bids are found.',
          security: user,
          parameters: [pathParameter('bidId', clientBidIdSchema, 'Your bidId, percent-encoded.')],
          responses: {
            200: answer('BidOutcome', 'Judged: accepted or rejected.'),
            202: answer('PendingBid', 'Not judged yet.'),
            ...errors('BID_NOT_FOUND', 'UNAUTHORIZED'),
          },
        },
      },
      '/health': {
        get: { tags: ['Monitoring'], summary: 'Liveness', responses: { 200: answer('Health', 'Running.') } },
      },
      '/ready': {
        get: {
          tags: ['Monitoring'],
          summary: 'Readiness',
          description: 'The house, and each dependency (Redis PING, PostgreSQL SELECT 1). 503 with `Retry-After`.',
          responses: {
            200: answer('Readiness', 'Ready.'),
            503: answer('Readiness', 'Not ready: `checks` and `error.details.failing` say what fails.'),
          },
        },
      },
      '/partitions': {
        get: {
          tags: ['Monitoring'],
          summary: 'Partitions sequenced here',
          description:
            "The partitions this process's house owns now (they move when processes join or leave). A balancer that sends each bid to the owner of its auction's partition (FNV-1a of the id, modulo `total`) spares it a trip through the queue.",
          responses: { 200: answer('Partitions', 'Owned partitions.') },
        },
      },
      '/metrics': {
        get: {
          tags: ['Monitoring'],
          summary: 'Prometheus metrics',
          responses: { 200: { description: 'Prometheus text format.' } },
        },
      },
      '/admin/stats': {
        get: {
          tags: ['Admin'],
          summary: 'House figures',
          description: 'Cache, queue, sequencers, broadcaster, WebSocket and rate limiter figures.',
          security: user,
          responses: { 200: answer('Figures', 'Figures.'), ...errors('UNAUTHORIZED', 'FORBIDDEN') },
        },
      },
      '/admin/cache/warm': {
        post: {
          tags: ['Admin'],
          summary: 'Warm the snapshot cache',
          description: 'Loads the given auctions, or the newest open ones.',
          security: user,
          requestBody: body(jsonSchemaOf(warmBodySchema), {}, false),
          responses: {
            200: answer('Figures', '`{ warmed, cache }`'),
            ...errors('UNAUTHORIZED', 'FORBIDDEN', 'INVALID_INPUT'),
          },
        },
      },
      '/admin/cache/clear': {
        post: {
          tags: ['Admin'],
          summary: 'Empty the snapshot cache',
          security: user,
          responses: { 200: answer('Figures', '`{ cleared, cache }`'), ...errors('UNAUTHORIZED', 'FORBIDDEN') },
        },
      },
      '/openapi.json': page('This document', 'OpenAPI 3.1.'),
      '/docs': page('This reference', 'HTML.'),
      '/': page('The live auction page', 'HTML.'),
    },
  };
}
