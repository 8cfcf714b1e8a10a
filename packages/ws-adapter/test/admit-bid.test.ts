import { createServer } from 'node:http';
import { createAuctionHouse } from '@outcry/core';
import { eventually } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebSocketGateway } from '../src/index.js';
import { type GatewayFixture, startGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let fx: GatewayFixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

/** The embedding app's limit: `allowed` bids per user in all, then a wait of `waitMs`. */
function countingLimit(allowed: number, waitMs: number) {
  const asked: string[] = [];
  const admitBid = (userId: string): number => {
    asked.push(userId);
    return asked.filter((user) => user === userId).length <= allowed ? 0 : waitMs;
  };
  return { asked, admitBid };
}

describe('admitBid', () => {
  it('holds one limit per user over every connection, refusing with RATE_LIMITED and retryAfterMs', async () => {
    const limit = countingLimit(5, 250);
    fx = await startGateway({ admitBid: limit.admitBid });
    const auction = await fx.createAuction();
    const bobs = await Promise.all([1, 2, 3].map(() => TestClient.open(`${fx?.url}?token=token-bob`)));
    const carol = await TestClient.open(`${fx.url}?token=token-carol`);
    const anonymous = await TestClient.open(fx.url);
    let n = 0;
    for (const bob of bobs) {
      for (let i = 0; i < 4; i++) {
        n++;
        bob.send({ type: 'bid', auctionId: auction.id, amount: 2_000 + n * 100, bidId: `b${n}` });
      }
    }
    carol.send({ type: 'bid', auctionId: auction.id, amount: 1_500 });
    carol.send({ type: 'bid', auctionId: auction.id, amount: 1_600 });
    anonymous.send({ type: 'bid', auctionId: auction.id, amount: 9_000 });
    const answers = () => bobs.reduce((sum, bob) => sum + bob.frames.length, 0);
    await eventually(() => answers() === 12 && carol.frames.length === 2 && anonymous.frames.length === 1);

    const results = bobs.flatMap((bob) => bob.all('bid.result'));
    const limited = bobs.flatMap((bob) => bob.all('error'));
    expect(results).toHaveLength(5);
    expect(limited).toHaveLength(7);
    for (const frame of limited) {
      expect(frame).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 250, auctionId: auction.id });
      expect(frame.bidId).toMatch(/^b\d+$/);
    }
    expect(carol.all('bid.result')).toHaveLength(2);
    expect(anonymous.frames[0]).toMatchObject({ type: 'error', code: 'UNAUTHORIZED' });
    expect(limit.asked.filter((user) => user === 'bob')).toHaveLength(12);
    expect(limit.asked.filter((user) => user === 'carol')).toHaveLength(2);
    expect(fx.gateway.metrics().errors.RATE_LIMITED).toBe(7);
    await Promise.all([...bobs, carol, anonymous].map((client) => client.close()));
  });

  it('waits for an async answer and keeps the bids of a connection in the order sent', async () => {
    const delays = [60, 30, 0];
    let call = 0;
    fx = await startGateway({
      admitBid: (_userId) => {
        const delay = delays[call++ % delays.length] as number;
        return new Promise<number>((resolve) => setTimeout(() => resolve(0), delay));
      },
    });
    const auction = await fx.createAuction();
    const bob = await TestClient.open(`${fx.url}?token=token-bob`);
    for (const amount of [2_000, 3_000, 4_000]) bob.send({ type: 'bid', auctionId: auction.id, amount });
    await eventually(() => bob.all('bid.result').length === 3);
    const outcomes = bob.all('bid.result').map((frame) => frame.outcome as { status: string });
    // Out of order, 3,000 after 4,000 would be refused as not above bob's own maximum.
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(outcomes.map((outcome) => (outcome as { price?: number }).price)).toEqual([1_000, 1_000, 1_000]);
    await bob.close();
  });

  it('refuses with UNAVAILABLE when admitBid throws or rejects, and goes on', async () => {
    let call = 0;
    fx = await startGateway({
      admitBid: () => {
        call++;
        if (call === 1) throw new Error('limiter bug');
        if (call === 2) return Promise.reject(new Error('limiter down'));
        return 0;
      },
    });
    const auction = await fx.createAuction();
    const bob = await TestClient.open(`${fx.url}?token=token-bob`);
    for (const amount of [2_000, 3_000, 4_000]) bob.send({ type: 'bid', auctionId: auction.id, amount });
    await eventually(() => bob.frames.length === 3);
    expect(bob.all('error').map((frame) => frame.code)).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
    expect(bob.all('bid.result')).toHaveLength(1);
    expect(fx.gateway.metrics().internalErrors).toBe(0);
    await bob.close();
  });

  it('refuses an admitBid that is not a function', () => {
    const server = createServer();
    expect(() =>
      createWebSocketGateway({ house: createAuctionHouse(), server, admitBid: 5 as unknown as () => number }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
