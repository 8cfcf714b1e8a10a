import { eventually } from '@outcry/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayFixture, startGateway } from './support/gateway-fixture.js';
import { type Frame, TestClient } from './support/test-client.js';

let fx: GatewayFixture;
const clients: TestClient[] = [];
async function connect(query = ''): Promise<TestClient> {
  const client = await TestClient.open(fx.url + query);
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

describe('protocol round trips', () => {
  it('answers ping with pong and the server time', async () => {
    const client = await connect();
    const before = Date.now();
    client.send({ type: 'ping' });
    const pong = await client.nextOf('pong');
    expect(pong.serverTime).toBeGreaterThanOrEqual(before);
    expect(pong.serverTime).toBeLessThanOrEqual(Date.now());
  });

  it('answers subscribe with a snapshot, then events in seq order', async () => {
    const auction = await fx.createAuction();
    const watcher = await connect();
    watcher.send({ type: 'subscribe', auctionId: auction.id });
    const snapshot = await watcher.nextOf('snapshot');
    expect(snapshot.auction).toMatchObject({ id: auction.id, seq: auction.seq, price: 1_000, status: 'open' });
    expect(typeof snapshot.serverTime).toBe('number');

    await fx.house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 2_000 });
    await fx.house.placeBid({ auctionId: auction.id, bidderId: 'carol', amount: 3_000 });
    const first = (await watcher.nextOf('event')).event as { type: string; seq: number };
    expect(first).toMatchObject({ type: 'bid.accepted', auctionId: auction.id, seq: auction.seq + 1, bidderId: 'bob' });
    await eventually(() => watcher.all('event').some((f) => (f.event as { bidderId?: string }).bidderId === 'carol'));
    const seqs = watcher.all('event').map((f) => (f.event as { seq: number }).seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    // carol's bid outbids bob: two events of one change share a seq.
    const types = watcher.all('event').map((f) => (f.event as { type: string }).type);
    expect(types).toContain('bidder.outbid');
  });

  it('answers a bid frame with bid.result, and outbid on every connection of the outbid bidder', async () => {
    const auction = await fx.createAuction();
    const bobTab1 = await connect('?token=token-bob');
    const bobTab2 = await connect('?token=token-bob');
    const carol = await connect('?token=token-carol');
    bobTab1.send({ type: 'bid', auctionId: auction.id, amount: 2_000, bidId: 'b-1' });
    const result = await bobTab1.nextOf('bid.result');
    expect(result.outcome).toMatchObject({ status: 'accepted', bidId: 'b-1', leaderId: 'bob', price: 1_000 });

    carol.send({ type: 'bid', auctionId: auction.id, amount: 5_000 });
    expect((await carol.nextOf('bid.result')).outcome).toMatchObject({ status: 'accepted', leaderId: 'carol' });
    for (const tab of [bobTab1, bobTab2]) {
      expect(await tab.nextOf('outbid')).toEqual({ type: 'outbid', auctionId: auction.id, price: 2_100 });
    }
    expect(carol.all('outbid')).toEqual([]);

    bobTab2.send({ type: 'bid', auctionId: auction.id, amount: 100 });
    expect((await bobTab2.nextOf('bid.result')).outcome).toMatchObject({ status: 'rejected', code: 'BID_TOO_LOW' });
  });

  it("keeps each user's bidIds their own: the same id from two users is two bids, and no one reads another's", async () => {
    const auction = await fx.createAuction();
    const bob = await connect('?token=token-bob');
    const carol = await connect('?token=token-carol');
    bob.send({ type: 'bid', auctionId: auction.id, amount: 2_000, bidId: 'k-1' });
    expect((await bob.nextOf('bid.result')).outcome).toMatchObject({
      status: 'accepted',
      bidId: 'k-1',
      leaderId: 'bob',
    });
    carol.send({ type: 'bid', auctionId: auction.id, amount: 3_000, bidId: 'k-1' });
    expect((await carol.nextOf('bid.result')).outcome).toMatchObject({
      status: 'accepted',
      bidId: 'k-1',
      leaderId: 'carol',
    });
    // Bob's stored key, sent by carol, is carol's own new key: not bob's outcome, not a duplicate.
    carol.send({ type: 'bid', auctionId: auction.id, amount: 4_000, bidId: 'bob:k-1' });
    expect((await carol.nextOf('bid.result')).outcome).toMatchObject({
      status: 'accepted',
      bidId: 'bob:k-1',
      leaderId: 'carol',
    });
    // A retry of bob's own key is answered from the first outcome, not judged again.
    bob.send({ type: 'bid', auctionId: auction.id, amount: 2_000, bidId: 'k-1' });
    expect((await bob.nextOf('bid.result')).outcome).toMatchObject({ bidId: 'k-1', price: 1_000 });
    const history = await fx.house.getBids(auction.id);
    expect(history.items.map((b) => b.bidId)).toEqual(['3:bob:k-1', '5:carol:k-1', '5:carol:bob:k-1']);
  });

  it('refuses a subscription to a missing auction with AUCTION_NOT_FOUND', async () => {
    const client = await connect();
    client.send({ type: 'subscribe', auctionId: 'nope' });
    expect(await client.nextOf('error')).toMatchObject({ code: 'AUCTION_NOT_FOUND', auctionId: 'nope' });
    await eventually(() => fx.gateway.metrics().rooms === 0);
  });

  it('stops events after unsubscribe and closes the room with its last subscriber', async () => {
    const auction = await fx.createAuction();
    const client = await connect();
    client.send({ type: 'subscribe', auctionId: auction.id });
    await client.nextOf('snapshot');
    expect(fx.gateway.metrics()).toMatchObject({ rooms: 1, subscriptions: 1 });
    client.send({ type: 'unsubscribe', auctionId: auction.id });
    await eventually(() => fx.gateway.metrics().rooms === 0);
    await fx.house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 2_000 });
    client.send({ type: 'ping' });
    await client.nextOf('pong');
    expect(client.all('event')).toEqual([]);
  });

  it('resumes without a snapshot when lastSeq is current, and with one when it is behind', async () => {
    const auction = await fx.createAuction();
    const first = await connect();
    first.send({ type: 'subscribe', auctionId: auction.id });
    const snapshot = (await first.nextOf('snapshot')).auction as { seq: number };
    await first.close();

    const current = await connect();
    current.send({ type: 'subscribe', auctionId: auction.id, lastSeq: snapshot.seq });
    await eventually(() => fx.gateway.metrics().subscriptions === 1);
    await fx.house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 2_000 });
    const event = await current.nextOf('event');
    expect(event.event).toMatchObject({ seq: snapshot.seq + 1 });
    expect(current.all('snapshot')).toEqual([]);

    const behind = await connect();
    behind.send({ type: 'subscribe', auctionId: auction.id, lastSeq: snapshot.seq });
    expect(((await behind.nextOf('snapshot')).auction as { seq: number }).seq).toBe(snapshot.seq + 1);
  });

  it('keeps one house subscription per room, whatever the number of sockets', async () => {
    const a = await fx.createAuction();
    const b = await fx.createAuction();
    const sockets = await Promise.all(Array.from({ length: 6 }, () => connect()));
    for (const [i, s] of sockets.entries()) s.send({ type: 'subscribe', auctionId: i % 2 === 0 ? a.id : b.id });
    await Promise.all(sockets.map((s) => s.nextOf('snapshot')));
    expect(fx.gateway.metrics()).toMatchObject({ rooms: 2, subscriptions: 6, connections: 6 });
    await fx.house.placeBid({ auctionId: a.id, bidderId: 'bob', amount: 2_000 });
    await Promise.all(sockets.filter((_, i) => i % 2 === 0).map((s) => s.nextOf('event')));
    // one event, serialised once, delivered to three sockets
    expect(fx.gateway.metrics()).toMatchObject({ eventsReceived: 1, eventsDelivered: 3 });
  });

  it('gives a fresh snapshot after a repeated subscribe (resynchronisation)', async () => {
    const auction = await fx.createAuction();
    const client = await connect();
    client.send({ type: 'subscribe', auctionId: auction.id });
    await client.nextOf('snapshot');
    await fx.house.placeBid({ auctionId: auction.id, bidderId: 'bob', amount: 2_000 });
    await client.nextOf('event');
    client.send({ type: 'subscribe', auctionId: auction.id });
    const again = await client.nextOf('snapshot');
    expect(again.auction).toMatchObject({ leaderId: 'bob' });
    expect(fx.gateway.metrics().subscriptions).toBe(1);
  });

  it('leaves other paths to other listeners and refuses foreign origins', async () => {
    await fx.stop();
    fx = await startGateway({ origins: ['https://auctions.example'] });
    const good = await TestClient.open(fx.url, { origin: 'https://auctions.example' });
    clients.push(good);
    await expect(TestClient.open(fx.url, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    // no Origin header: not a browser, allowed
    clients.push(await TestClient.open(fx.url));
    // another path: left to another listener when there is one...
    const otherListener = (_request: unknown, socket: import('node:stream').Duplex) => {
      socket.end('HTTP/1.1 418 Teapot\r\nContent-Length: 0\r\n\r\n');
    };
    fx.server.on('upgrade', otherListener);
    await expect(TestClient.open(fx.url.replace('/ws', '/other'))).rejects.toThrow(/418/);
    fx.server.off('upgrade', otherListener);
    // ...and refused with 404 when there is none
    await expect(TestClient.open(fx.url.replace('/ws', '/other'))).rejects.toThrow(/404/);
    expect(fx.gateway.metrics().connections).toBe(2);
  });

  it("with origins 'same-origin', takes pages of the server's own host and refuses others", async () => {
    await fx.stop();
    fx = await startGateway({ origins: 'same-origin' });
    const own = new URL(fx.url).host;
    clients.push(await TestClient.open(fx.url, { origin: `http://${own}` }));
    await expect(TestClient.open(fx.url, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(TestClient.open(fx.url, { origin: `http://${own}.evil.example` })).rejects.toThrow(/403/);
    await expect(TestClient.open(fx.url, { origin: 'null' })).rejects.toThrow(/403/);
    clients.push(await TestClient.open(fx.url));
    expect(fx.gateway.metrics().connections).toBe(2);
  });

  it('reports a delivered event per socket and counts frames', async () => {
    const auction = await fx.createAuction();
    const client = await connect();
    client.send({ type: 'subscribe', auctionId: auction.id });
    await client.nextOf('snapshot');
    const metrics = fx.gateway.metrics();
    expect(metrics).toMatchObject({ connections: 1, framesReceived: 1, snapshotsSent: 1, internalErrors: 0 });
  });

  it('closes every connection with 1001 on close()', async () => {
    const client = await connect();
    const code = client.closed;
    await fx.gateway.close();
    expect(await code).toBe(1001);
  });
});

export type { Frame };
