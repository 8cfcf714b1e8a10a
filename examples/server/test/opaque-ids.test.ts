import type { AddressInfo } from 'node:net';
import { codePointLength } from '@outcry/core';
import { eventually, NAMED_OPAQUE_IDS, opaqueIdArbitrary, uniqueId } from '@outcry/core/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { usableStores } from './support/services.js';
import { auctionBody, signIn, startTestApp } from './support/test-server.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
type Frame = Record<string, unknown>;

const stores = await usableStores();

/** The named ids that the server takes as user ids (at most 123 characters). */
const NAMED_USERS = NAMED_OPAQUE_IDS.filter((id) => codePointLength(id) <= 123);

/** `key` with a tag of this run in front, cut to a client bidId's 128 characters: each run bids anew. */
function runKey(key: string): string {
  const tag = `${uniqueId('k')}|`;
  return (
    tag +
    Array.from(key)
      .slice(0, 128 - tag.length)
      .join('')
  );
}

/** A WebSocket client that collects every frame. */
async function connect(url: string) {
  const socket = new WebSocket(url);
  const frames: Frame[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = async (match: (frame: Frame) => boolean, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = frames.findIndex(match);
      if (index >= 0) return frames.splice(index, 1)[0] as Frame;
      if (Date.now() > deadline) throw new Error(`no frame matched; got ${JSON.stringify(frames)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { socket, next, send: (frame: object) => socket.send(JSON.stringify(frame)) };
}

describe.each(stores)('opaque user ids and bidIds over HTTP and WebSocket on STORE=%s', (store) => {
  let app: App;
  let url: string;

  beforeAll(async () => {
    app = await startTestApp(store);
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`;
  });
  afterAll(async () => {
    await app?.dispose();
  });

  const userArb = opaqueIdArbitrary({ maxLength: 30 });
  const people = fc
    .tuple(userArb, userArb, userArb)
    .filter(([seller, first, second]) => seller !== first && seller !== second && first !== second);
  const named = NAMED_USERS.map((name, i): [[string, string, string], string, string] => [
    [name, NAMED_USERS[(i + 1) % NAMED_USERS.length] as string, NAMED_USERS[(i + 2) % NAMED_USERS.length] as string],
    NAMED_OPAQUE_IDS[(i + 3) % NAMED_OPAQUE_IDS.length] as string,
    name,
  ]);

  it('keeps them byte for byte over HTTP: session, views, bids, ?wait=false lookups, history', async () => {
    await fc.assert(
      fc.asyncProperty(people, userArb, userArb, async ([sellerId, firstId, secondId], firstKey, secondKey) => {
        const [seller, first, second] = await Promise.all([
          signIn(app, sellerId),
          signIn(app, firstId),
          signIn(app, secondId),
        ]);
        const created = await seller.request({
          method: 'POST',
          url: '/auctions',
          payload: auctionBody({ title: `Lot of ${sellerId}`, metadata: { [sellerId]: firstId } }),
        });
        expect(created.statusCode, created.body).toBe(201);
        const auction = created.json() as { id: string; sellerId: string; title: string };
        expect(auction.sellerId).toBe(sellerId);
        const bids = `/auctions/${auction.id}/bids`;

        const keyOfFirst = runKey(firstKey);
        const placed = await first.request({
          method: 'POST',
          url: bids,
          payload: { amount: 2_000, bidId: keyOfFirst },
        });
        expect(placed.statusCode, placed.body).toBe(200);
        expect(placed.json()).toMatchObject({ status: 'accepted', bidId: keyOfFirst, leaderId: firstId });
        const again = await first.request({ method: 'POST', url: bids, payload: { amount: 2_000, bidId: keyOfFirst } });
        expect(again.json()).toEqual(placed.json());

        const keyOfSecond = runKey(secondKey);
        const later = await second.request({
          method: 'POST',
          url: `${bids}?wait=false`,
          payload: { amount: 3_000, bidId: keyOfSecond },
        });
        expect(later.statusCode, later.body).toBe(202);
        expect(later.json()).toMatchObject({ bidId: keyOfSecond });
        const lookup = `/bids/${encodeURIComponent(keyOfSecond)}`;
        const outcome = await eventually(async () => {
          const found = await second.request({ method: 'GET', url: lookup });
          return found.statusCode === 200 ? (found.json() as Frame) : undefined;
        });
        expect(outcome).toMatchObject({ status: 'accepted', bidId: keyOfSecond, leaderId: secondId });
        // Only the bidder finds a bid by its id.
        expect((await first.request({ method: 'GET', url: lookup })).statusCode).toBe(404);
        expect((await seller.request({ method: 'GET', url: lookup })).statusCode).toBe(404);

        const history = (await app.inject({ method: 'GET', url: bids })).json() as {
          items: Array<{ bidderId: string; bidId: string; leaderId: string }>;
        };
        expect(history.items.map((row) => [row.bidderId, row.bidId, row.leaderId])).toEqual([
          [firstId, keyOfFirst, firstId],
          [secondId, keyOfSecond, secondId],
        ]);
        const view = await eventually(async () => {
          const shown = (await app.inject({ method: 'GET', url: `/auctions/${auction.id}` })).json() as Frame;
          return shown.bidCount === 2 ? shown : undefined;
        });
        expect(view).toMatchObject({
          sellerId,
          leaderId: secondId,
          title: auction.title,
          metadata: { [sellerId]: firstId },
        });
      }),
      { numRuns: 8, examples: named },
    );
  }, 60_000);

  it('keeps them byte for byte over WebSocket, one bid whichever way it came', async () => {
    const users = [...NAMED_USERS, ...fc.sample(userArb, 6)];
    const seller = await signIn(app, `seller ${uniqueId('s')}`);
    const created = await seller.request({ method: 'POST', url: '/auctions', payload: auctionBody() });
    const auction = created.json() as { id: string };
    const watcher = await connect(url);
    watcher.send({ type: 'subscribe', auctionId: auction.id });
    await watcher.next((frame) => frame.type === 'snapshot');
    let amount = 2_000;
    for (const userId of users) {
      const user = await signIn(app, userId);
      const client = await connect(url);
      client.send({ type: 'auth', token: user.token });
      expect(await client.next((frame) => frame.type === 'auth.ok')).toEqual({ type: 'auth.ok', userId });
      const bidId = runKey(userId);
      amount += 1_000;
      client.send({ type: 'bid', auctionId: auction.id, amount, bidId });
      const result = (await client.next((frame) => frame.type === 'bid.result')).outcome as Frame;
      expect(result).toMatchObject({ status: 'accepted', bidId, leaderId: userId, leading: true });
      const event = (await watcher.next(
        (frame) => frame.type === 'event' && (frame.event as Frame).type === 'bid.accepted',
      )) as { event: Frame };
      expect(event.event).toMatchObject({ bidderId: userId, leaderId: userId });
      // The same key over HTTP is the same bid.
      const overHttp = await user.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids`,
        payload: { amount, bidId },
      });
      expect(overHttp.json()).toEqual(result);
      client.socket.close();
    }
    watcher.socket.close();
  }, 60_000);

  it('keeps the keys of users whose ids hold colons apart: a:b + c is not a + b:c', async () => {
    const tag = uniqueId('colon');
    const [short, long] = await Promise.all([signIn(app, `${tag}`), signIn(app, `${tag}:b`)]);
    const created = await short.request({ method: 'POST', url: '/auctions', payload: auctionBody() });
    const other = await long.request({ method: 'POST', url: '/auctions', payload: auctionBody() });
    const [first, second] = [created.json() as { id: string }, other.json() as { id: string }];
    const byShort = await long.request({
      method: 'POST',
      url: `/auctions/${first.id}/bids`,
      payload: { amount: 2_000, bidId: 'c' },
    });
    const byLong = await short.request({
      method: 'POST',
      url: `/auctions/${second.id}/bids`,
      payload: { amount: 2_500, bidId: 'b:c' },
    });
    expect(byShort.json()).toMatchObject({ status: 'accepted', bidId: 'c', auctionId: first.id });
    expect(byLong.json()).toMatchObject({ status: 'accepted', bidId: 'b:c', auctionId: second.id });
    const mine = await long.request({ method: 'GET', url: '/bids/c' });
    expect(mine.json()).toMatchObject({ auctionId: first.id, leaderId: `${tag}:b` });
    expect((await long.request({ method: 'GET', url: `/bids/${encodeURIComponent('b:c')}` })).statusCode).toBe(404);
    expect((await short.request({ method: 'GET', url: '/bids/c' })).statusCode).toBe(404);
  });
});
