import { eventually } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let fx: GatewayFixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

describe('per-connection rate limit', () => {
  it('answers frames past the burst with RATE_LIMITED, and refills', async () => {
    fx = await startGateway({ rateLimit: { perSecond: 20, burst: 50 } });
    const client = await TestClient.open(fx.url);
    for (let i = 0; i < 70; i++) client.send({ type: 'ping' });
    await eventually(() => client.frames.length >= 70);
    const pongs = client.all('pong').length;
    const limited = client.all('error').filter((f) => f.code === 'RATE_LIMITED').length;
    // 50 from the burst, maybe one or two refilled while the frames arrived
    expect(pongs).toBeGreaterThanOrEqual(50);
    expect(pongs).toBeLessThan(55);
    expect(pongs + limited).toBe(70);
    for (const frame of client.all('error')) expect(frame.retryAfterMs).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    client.send({ type: 'ping' });
    await eventually(() => client.frames.length === 71);
    expect(client.frames.at(-1)?.type).toBe('pong');
    // another connection has its own bucket
    const other = await TestClient.open(fx.url);
    other.send({ type: 'ping' });
    expect(await other.nextOf('pong')).toMatchObject({ type: 'pong' });
    await Promise.all([client.close(), other.close()]);
  });

  it('never stops normal use: a bid and a ping every 100 ms', async () => {
    fx = await startGateway();
    const auction = await fx.createAuction();
    const client = await TestClient.open(`${fx.url}?token=token-bob`);
    client.send({ type: 'subscribe', auctionId: auction.id });
    for (let i = 0; i < 20; i++) {
      client.send({ type: 'bid', auctionId: auction.id, amount: 2_000 + i * 100 });
      client.send({ type: 'ping' });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await eventually(() => client.all('bid.result').length === 20);
    expect(client.all('error')).toEqual([]);
    await client.close();
  });

  it('can be turned off', async () => {
    fx = await startGateway({ rateLimit: false });
    const client = await TestClient.open(fx.url);
    for (let i = 0; i < 300; i++) client.send({ type: 'ping' });
    await eventually(() => client.frames.length >= 300);
    expect(client.all('pong')).toHaveLength(300);
    await client.close();
  });
});
