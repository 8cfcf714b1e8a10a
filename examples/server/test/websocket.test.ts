import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { auctionBody, signIn, startTestApp } from './support/test-server.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/** A client that collects every frame it receives. */
async function connect(url: string) {
  const socket = new WebSocket(url);
  const frames: Array<Record<string, unknown>> = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = async (match: (frame: Record<string, unknown>) => boolean, timeoutMs = 3_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = frames.find(match);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no frame matched; got ${JSON.stringify(frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { socket, frames, next, send: (frame: object) => socket.send(JSON.stringify(frame)) };
}

describe('the WebSocket gateway at /ws', () => {
  let app: App;
  let url: string;

  beforeAll(async () => {
    app = await startTestApp('memory');
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`;
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('sends a snapshot with serverTime, live events of HTTP bids, and outbid notices to tokens of /session', async () => {
    const [seller, bob, carol] = await Promise.all([signIn(app, 'sam'), signIn(app, 'bob'), signIn(app, 'carol')]);
    const auction = (await seller.request({ method: 'POST', url: '/auctions', payload: auctionBody() })).json() as {
      id: string;
    };
    const client = await connect(url);
    client.send({ type: 'auth', token: bob.token });
    client.send({ type: 'subscribe', auctionId: auction.id });
    const snapshot = await client.next((f) => f.type === 'snapshot');
    expect(snapshot).toMatchObject({ auction: { id: auction.id }, serverTime: expect.any(Number) });

    await bob.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 2_000 } });
    await client.next((f) => f.type === 'event' && (f.event as { type: string }).type === 'bid.accepted');
    await carol.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 3_000 } });
    const outbid = await client.next((f) => f.type === 'outbid');
    expect(outbid).toMatchObject({ auctionId: auction.id, price: 2_100 });
    expect(
      (
        await app.inject({
          method: 'GET',
          url: '/admin/stats',
          headers: { authorization: 'Bearer test-admin-token-0123456789' },
        })
      ).json(),
    ).toMatchObject({
      websocket: { connections: 1 },
    });
    client.socket.close();
  });

  it('refuses a bad token with an error frame, never a crash', async () => {
    const client = await connect(url);
    client.send({ type: 'auth', token: 'forged.token' });
    const error = await client.next((f) => f.type === 'error');
    expect(error).toMatchObject({ code: 'UNAUTHORIZED' });
    client.socket.send('not json');
    await client.next((f) => f.type === 'error' && f.code === 'BAD_FRAME');
    client.socket.close();
  });
});
