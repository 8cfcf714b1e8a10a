import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './support/gateway-fixture.js';
import { TestClient } from './support/test-client.js';

let fx: GatewayFixture;
const clients: TestClient[] = [];
async function connect(url = fx.url, options = {}): Promise<TestClient> {
  const client = await TestClient.open(url, options);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  fx = await startGateway();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await fx.stop();
});

describe('authentication', () => {
  it('lets anonymous clients watch but not bid', async () => {
    const auction = await fx.createAuction();
    const anonymous = await connect();
    anonymous.send({ type: 'subscribe', auctionId: auction.id });
    await anonymous.nextOf('snapshot');
    anonymous.send({ type: 'bid', auctionId: auction.id, amount: 2_000, bidId: 'x-1' });
    expect(await anonymous.nextOf('error')).toMatchObject({
      code: 'UNAUTHORIZED',
      auctionId: auction.id,
      bidId: 'x-1',
    });
    expect(fx.gateway.metrics().bids).toBe(0);
  });

  it('authenticates with an auth frame, answered auth.ok, and bids as that user', async () => {
    const auction = await fx.createAuction();
    const client = await connect();
    client.send({ type: 'auth', token: 'token-bob' });
    expect(await client.nextOf('auth.ok')).toEqual({ type: 'auth.ok', userId: 'bob' });
    client.send({ type: 'bid', auctionId: auction.id, amount: 2_000 });
    expect((await client.nextOf('bid.result')).outcome).toMatchObject({ status: 'accepted', leaderId: 'bob' });
    expect(fx.gateway.metrics().authenticated).toBe(1);
  });

  it('runs frames sent right behind an auth after it, in order', async () => {
    const auction = await fx.createAuction();
    const client = await connect();
    client.send({ type: 'auth', token: 'token-bob' });
    client.send({ type: 'bid', auctionId: auction.id, amount: 2_000 });
    client.send({ type: 'ping' });
    const result = await client.nextOf('bid.result');
    expect(result.outcome).toMatchObject({ status: 'accepted', leaderId: 'bob' });
    expect(client.frames.map((f) => f.type)).toEqual(['auth.ok', 'pong', 'bid.result']);
  });

  it('refuses a bad token with UNAUTHORIZED and keeps the connection', async () => {
    const client = await connect();
    client.send({ type: 'auth', token: 'wrong' });
    expect(await client.nextOf('error')).toMatchObject({ code: 'UNAUTHORIZED' });
    client.send({ type: 'ping' });
    await client.nextOf('pong');
    expect(fx.gateway.metrics().authenticated).toBe(0);
  });

  it('treats an authenticate function that throws as a refusal', async () => {
    await fx.stop();
    fx = await startGateway({
      authenticate: () => {
        throw new Error('token service down');
      },
    });
    const client = await connect();
    client.send({ type: 'auth', token: 'token-bob' });
    expect(await client.nextOf('error')).toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(TestClient.open(`${fx.url}?token=token-bob`)).rejects.toThrow(/401/);
  });

  it('accepts a token in the Authorization header or the query of the upgrade', async () => {
    const auction = await fx.createAuction();
    const byHeader = await connect(fx.url, { headers: { Authorization: 'Bearer token-carol' } });
    const byQuery = await connect(`${fx.url}?token=token-dave`);
    byHeader.send({ type: 'bid', auctionId: auction.id, amount: 2_000 });
    expect((await byHeader.nextOf('bid.result')).outcome).toMatchObject({ leaderId: 'carol' });
    byQuery.send({ type: 'bid', auctionId: auction.id, amount: 3_000 });
    expect((await byQuery.nextOf('bid.result')).outcome).toMatchObject({ leaderId: 'dave' });
    expect(await byHeader.nextOf('outbid')).toMatchObject({ auctionId: auction.id });
  });

  it('refuses an upgrade with a bad token with 401', async () => {
    await expect(TestClient.open(`${fx.url}?token=wrong`)).rejects.toThrow(/401/);
    await expect(TestClient.open(fx.url, { headers: { Authorization: 'Bearer wrong' } })).rejects.toThrow(/401/);
    expect(fx.gateway.metrics().upgradesRejected).toBe(2);
  });

  it('refuses auth frames when the gateway has no authenticate function', async () => {
    await fx.stop();
    fx = await startGateway({ authenticate: null });
    const client = await connect();
    client.send({ type: 'auth', token: 'token-bob' });
    expect(await client.nextOf('error')).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
