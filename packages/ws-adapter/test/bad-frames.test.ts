import { eventually } from '@outcry/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let fx: GatewayFixture;
beforeAll(async () => {
  // No rate limit here: the point is what the parser does with everything it receives.
  fx = await startGateway({ rateLimit: false, maxPayload: 4_096 });
  await fx.createAuction({ id: 'known' });
});
afterAll(async () => {
  await fx.stop();
});

/** Send one raw frame, then a ping; every frame before the pong must have been answered. */
async function probe(client: TestClient, raw: string | Buffer): Promise<{ type: string; code?: unknown }[]> {
  const before = client.frames.length;
  client.ws.send(raw);
  client.send({ type: 'ping' });
  await client.next((f) => f.type === 'pong', 5_000);
  return client.frames.slice(before).filter((f) => f.type !== 'pong') as { type: string; code?: unknown }[];
}

describe('bad frames', () => {
  it('answers random strings with BAD_FRAME errors and keeps serving', async () => {
    const client = await TestClient.open(fx.url);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300, unit: 'binary' }), async (text) => {
        const answers = await probe(client, text);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          expect(answers).toEqual([expect.objectContaining({ type: 'error', code: 'BAD_FRAME' })]);
          return;
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          expect(answers).toEqual([expect.objectContaining({ type: 'error', code: 'BAD_FRAME' })]);
        }
      }),
      { numRuns: 300 },
    );
    expect(fx.gateway.metrics().internalErrors).toBe(0);
    await client.close();
  });

  it('answers random JSON, and frames that look almost right, with error frames and never crashes', async () => {
    const client = await TestClient.open(fx.url);
    const almost = fc.record(
      {
        type: fc.oneof(
          fc.constantFrom('auth', 'subscribe', 'unsubscribe', 'bid', 'ping', 'pong', 'snapshot', ''),
          fc.jsonValue(),
        ),
        auctionId: fc.oneof(fc.constant('known'), fc.string({ maxLength: 200 }), fc.jsonValue()),
        amount: fc.oneof(fc.integer(), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER + 2), fc.jsonValue()),
        token: fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue()),
        lastSeq: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.jsonValue()),
        bidId: fc.jsonValue(),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }), almost), async (value) => {
        const text = JSON.stringify(value) ?? 'null';
        fc.pre(Buffer.byteLength(text) <= 4_096);
        const answers = await probe(client, text);
        for (const answer of answers) {
          expect(['error', 'snapshot', 'auth.ok', 'bid.result', 'pong']).toContain(answer.type);
          if (answer.type === 'error') {
            expect(['BAD_FRAME', 'INVALID_INPUT', 'UNAUTHORIZED', 'AUCTION_NOT_FOUND', 'SUBSCRIPTION_LIMIT']).toContain(
              answer.code,
            );
          }
        }
      }),
      { numRuns: 400 },
    );
    expect(fx.gateway.metrics().internalErrors).toBe(0);
    await client.close();
  });

  it('refuses binary frames and deeply nested JSON with BAD_FRAME / INVALID_INPUT', async () => {
    const client = await TestClient.open(fx.url);
    expect(await probe(client, Buffer.from([0, 1, 2, 3]))).toEqual([expect.objectContaining({ code: 'BAD_FRAME' })]);
    const deep = `${'['.repeat(1_500)}${']'.repeat(1_500)}`;
    expect(await probe(client, deep)).toEqual([expect.objectContaining({ code: 'BAD_FRAME' })]);
    const proto = '{"type":"bid","auctionId":"known","amount":2000,"__proto__":{"admin":true}}';
    expect(await probe(client, proto)).toEqual([expect.objectContaining({ code: 'INVALID_INPUT' })]);
    const fraction = { type: 'bid', auctionId: 'known', amount: 20.5 };
    expect(await probe(client, JSON.stringify(fraction))).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', auctionId: 'known' }),
    ]);
    await client.close();
  });

  it('closes a connection that sends an oversized frame with 1009, and serves the others', async () => {
    const bystander = await TestClient.open(fx.url);
    const client = await TestClient.open(fx.url);
    client.send({ type: 'ping', padding: 'x'.repeat(5_000) });
    expect(await client.closed).toBe(1009);
    bystander.send({ type: 'ping' });
    await bystander.nextOf('pong');
    await eventually(() => fx.gateway.metrics().connections === 1);
    await bystander.close();
  });
});
