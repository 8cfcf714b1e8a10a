import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildOpenApiDocument } from '../src/openapi-document.js';
import {
  auctionPageSchema,
  auctionStatsSchema,
  bidAcceptedSchema,
  bidHistorySchema,
  bidOutcomeSchema,
  bidRejectedSchema,
  errorSchema,
  healthSchema,
  pendingBidSchema,
  publicAuctionSchema,
  readinessSchema,
  sessionSchema,
} from '../src/response-schemas.js';
import { signIn, startTestApp } from './support/test-server.js';

type Operation = { tags?: string[]; summary?: string; responses: Record<string, unknown> };

/** Parses `body` with `schema`, failing with zod's words (the field that drifted) when it does not fit. */
function expectShape(schema: z.ZodType, body: unknown): void {
  const parsed = schema.safeParse(body);
  expect(
    parsed.success,
    parsed.success ? '' : `${JSON.stringify(parsed.error.issues)} in ${JSON.stringify(body)}`,
  ).toBe(true);
}

describe('/openapi.json', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp('memory');
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('documents the answers the server really sends (each parses with its documented schema)', async () => {
    const session = await app.inject({ method: 'POST', url: '/session', payload: { userId: 'sam' } });
    expectShape(sessionSchema, session.json());
    const seller = await signIn(app, 'sam');
    const bob = await signIn(app, 'bob');
    const carol = await signIn(app, 'carol');

    const created = await seller.request({
      method: 'POST',
      url: '/auctions',
      payload: {
        title: 'Leica M3',
        currency: 'USD',
        startingPrice: 1_000,
        reservePrice: 1_500,
        buyNowPrice: 9_000,
        endsAt: Date.now() + 1_500,
        softClose: { windowMs: 100, extendMs: 100 },
        metadata: { lens: '50mm' },
      },
    });
    expect(created.statusCode).toBe(201);
    expectShape(publicAuctionSchema, created.json());
    const id = (created.json() as { id: string }).id;

    const accepted = await bob.request({ method: 'POST', url: `/auctions/${id}/bids`, payload: { amount: 2_000 } });
    expect(accepted.statusCode).toBe(200);
    expectShape(bidAcceptedSchema, accepted.json());
    const tooLow = await carol.request({ method: 'POST', url: `/auctions/${id}/bids`, payload: { amount: 1_000 } });
    expect(tooLow.statusCode).toBe(409);
    expectShape(errorSchema, tooLow.json());
    expectShape(bidRejectedSchema, (tooLow.json() as { error: { details: unknown } }).error.details);
    const pending = await carol.request({
      method: 'POST',
      url: `/auctions/${id}/bids?wait=false`,
      payload: { amount: 3_000, bidId: 'carol-1' },
    });
    expect(pending.statusCode).toBe(202);
    expectShape(pendingBidSchema, pending.json());
    await expect.poll(async () => (await carol.request({ method: 'GET', url: '/bids/carol-1' })).statusCode).toBe(200);
    expectShape(bidOutcomeSchema, (await carol.request({ method: 'GET', url: '/bids/carol-1' })).json());

    expectShape(bidHistorySchema, (await app.inject({ method: 'GET', url: `/auctions/${id}/bids` })).json());
    expectShape(auctionStatsSchema, (await app.inject({ method: 'GET', url: `/auctions/${id}/stats` })).json());
    expectShape(auctionPageSchema, (await app.inject({ method: 'GET', url: '/auctions?limit=5' })).json());
    const invalid = await seller.request({ method: 'POST', url: '/auctions', payload: { title: '' } });
    expect(invalid.statusCode).toBe(422);
    expectShape(errorSchema, invalid.json());
    expectShape(healthSchema, (await app.inject({ method: 'GET', url: '/health' })).json());
    expectShape(readinessSchema, (await app.inject({ method: 'GET', url: '/ready' })).json());

    // Ended: the result is documented too.
    await expect
      .poll(
        async () => ((await app.inject({ method: 'GET', url: `/auctions/${id}` })).json() as { status: string }).status,
        {
          timeout: 10_000,
        },
      )
      .toBe('closed');
    const closed = (await app.inject({ method: 'GET', url: `/auctions/${id}` })).json();
    expectShape(publicAuctionSchema, closed);
    expect(closed).toMatchObject({ result: { outcome: 'sold', winnerId: 'carol' } });
    const other = await seller.request({
      method: 'POST',
      url: '/auctions',
      payload: { title: 'Eames chair', currency: 'USD', startingPrice: 500, endsAt: Date.now() + 60_000 },
    });
    const otherId = (other.json() as { id: string }).id;
    const cancelled = await seller.request({ method: 'POST', url: `/auctions/${otherId}/cancel`, payload: {} });
    expect(cancelled.statusCode).toBe(200);
    expectShape(publicAuctionSchema, cancelled.json());
  });

  it('fails the check when an answer has a field the schema does not document', () => {
    expect(publicAuctionSchema.safeParse({ ...sampleAuction(), reservePrice: 1_500 }).success).toBe(false);
    expect(publicAuctionSchema.safeParse(sampleAuction()).success).toBe(true);
  });

  it('refers only to schemas it holds, and every operation has a tag and a plain summary', () => {
    const doc = buildOpenApiDocument() as {
      paths: Record<string, Record<string, Operation>>;
      components: { schemas: Record<string, unknown> };
    };
    const text = JSON.stringify(doc);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas, name).toHaveProperty([name as string]);
    }
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operation.tags, `${method} ${path}`).toHaveLength(1);
        // Summaries are shown as plain text (descriptions are markdown): no backticks there.
        expect(operation.summary, `${method} ${path}`).toMatch(/^[^`]+$/);
      }
    }
  });

  it('dates the create example in the future, whenever the document is asked for', () => {
    const now = Date.now() + 86_400_000;
    const doc = buildOpenApiDocument(now) as {
      paths: {
        '/auctions': { post: { requestBody: { content: { 'application/json': { example: { endsAt: number } } } } } };
      };
    };
    expect(doc.paths['/auctions'].post.requestBody.content['application/json'].example.endsAt).toBeGreaterThan(now);
  });
});

function sampleAuction() {
  return {
    id: 'a-1',
    sellerId: 'sam',
    title: 'Leica M3',
    currency: 'USD',
    status: 'open',
    startingPrice: 1_000,
    price: 1_000,
    leaderId: null,
    bidCount: 0,
    minimumBid: 1_000,
    reserveMet: false,
    hasReserve: true,
    buyNowPrice: null,
    buyNowAvailable: false,
    startsAt: 0,
    endsAt: 1,
    originalEndsAt: 1,
    extensions: 0,
    seq: 1,
    result: null,
    metadata: null,
  };
}
