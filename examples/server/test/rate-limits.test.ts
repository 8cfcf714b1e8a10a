import type { AddressInfo } from 'node:net';
import { eventually } from '@outcry/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { REDIS_URL, usableStores } from './support/services.js';
import { ADMIN, auctionBody, type SignedInUser, signIn, startTestApp } from './support/test-server.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
type Frame = Record<string, unknown> & { type: string };

/** The documented default: 20 bids a second per user, bursts of 50. */
const BID_RATE = { perSecond: 20, burst: 50 };

const stores = await usableStores();
const redisStores = stores.filter((store) => store === 'redis' || store === 'hybrid');

const apps: App[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  // One after the other: apps sharing a prefix must not lose their keys while another still closes.
  for (const app of apps.splice(0).reverse()) await app.dispose();
});

async function start(...args: Parameters<typeof startTestApp>): Promise<App> {
  const app = await startTestApp(...args);
  apps.push(app);
  return app;
}

/** A WebSocket of `user` on `app` (listening) that keeps every frame. */
async function connect(app: App, user: SignedInUser) {
  const port = (app.server.address() as AddressInfo).port;
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${encodeURIComponent(user.token)}`);
  sockets.push(socket);
  const frames: Frame[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, frames, send: (frame: object) => socket.send(JSON.stringify(frame)) };
}

async function openAuction(app: App): Promise<string> {
  const seller = await signIn(app, 'sam');
  const response = await seller.request({ method: 'POST', url: '/auctions', payload: auctionBody() });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { id: string }).id;
}

let amount = 2_000;
/** An HTTP bid; its status code. */
async function httpBid(user: SignedInUser, auctionId: string): Promise<{ status: number; retryAfter?: string }> {
  amount += 100;
  const response = await user.request({ method: 'POST', url: `/auctions/${auctionId}/bids`, payload: { amount } });
  const retryAfter = response.headers['retry-after'];
  return typeof retryAfter === 'string' ? { status: response.statusCode, retryAfter } : { status: response.statusCode };
}

/** At most the burst plus what refilled while the bids came, plus one token in flight. */
function allowed(startedAt: number): number {
  return BID_RATE.burst + Math.ceil(((Date.now() - startedAt) / 1_000) * BID_RATE.perSecond) + 1;
}

describe.each(stores.filter((store) => store === 'memory' || store === 'redis'))(
  'one bid limit per user on STORE=%s',
  (store) => {
    it('holds over 10 WebSocket connections and HTTP together; another user is unaffected', async () => {
      const app = await start(store, { bidRate: BID_RATE });
      const auctionId = await openAuction(app);
      const [bob, carol] = await Promise.all([signIn(app, 'bob'), signIn(app, 'carol')]);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const bobs = await Promise.all(Array.from({ length: 10 }, () => connect(app, bob)));

      const startedAt = Date.now();
      let n = 0;
      for (const socket of bobs) {
        for (let i = 0; i < 50; i++) {
          n++;
          socket.send({ type: 'bid', auctionId, amount: 100_000 + n * 100, bidId: `ws-${n}` });
        }
      }
      const http = await Promise.all(Array.from({ length: 30 }, () => httpBid(bob, auctionId)));
      await eventually(() => (bobs.every((s) => s.frames.length === 50) ? true : undefined), 20_000, 'answers');
      const limit = allowed(startedAt);

      const frames = bobs.flatMap((socket) => socket.frames);
      const results = frames.filter((frame) => frame.type === 'bid.result');
      const limited = frames.filter((frame) => frame.type === 'error' && frame.code === 'RATE_LIMITED');
      expect(results.length + limited.length, JSON.stringify(frames.find((f) => f.type === 'error'))).toBe(500);
      for (const frame of limited) {
        expect(frame.retryAfterMs).toBeGreaterThan(0);
        expect(frame.auctionId).toBe(auctionId);
      }
      const httpLimited = http.filter((answer) => answer.status === 429);
      for (const answer of httpLimited) expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      const admitted = results.length + http.length - httpLimited.length;
      expect(admitted).toBeGreaterThanOrEqual(BID_RATE.burst);
      expect(admitted).toBeLessThanOrEqual(limit);

      const carolSocket = await connect(app, carol);
      for (let i = 0; i < 5; i++) carolSocket.send({ type: 'bid', auctionId, amount: 900_000 + i * 100 });
      const carolHttp = await Promise.all(Array.from({ length: 5 }, () => httpBid(carol, auctionId)));
      await eventually(() => (carolSocket.frames.length === 5 ? true : undefined), 5_000, "carol's answers");
      expect(carolSocket.frames.map((frame) => frame.type)).toEqual(Array(5).fill('bid.result'));
      expect(carolHttp.filter((answer) => answer.status === 429)).toEqual([]);
    });
  },
);

describe.each(redisStores)('rate limits shared through Redis on STORE=%s', (store) => {
  /** Two apps, each with its own house, on one Redis prefix: two processes of one deployment. */
  async function twoApps(overrides: Parameters<typeof startTestApp>[1] = {}): Promise<[App, App]> {
    const shared = { redisPrefix: `outcry_limits_${process.pid}_${Math.random().toString(36).slice(2, 8)}:` };
    const first = await start(store, { bidRate: BID_RATE, ...shared, ...overrides });
    const second = await start(store, {
      bidRate: BID_RATE,
      ...shared,
      ...overrides,
      authSecret: first.outcry.config.authSecret,
      pgSchema: first.outcry.config.pgSchema,
    });
    return [first, second];
  }

  it('limits one user over two instances to the burst, not twice it', async () => {
    const [first, second] = await twoApps();
    const auctionId = await openAuction(first);
    const bobOnFirst = await signIn(first, 'bob');
    const bobOnSecond: SignedInUser = {
      ...bobOnFirst,
      request: (options) =>
        second.inject({
          ...options,
          headers: { authorization: `Bearer ${bobOnFirst.token}`, ...(options.headers ?? {}) },
        }),
    };
    const startedAt = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) => httpBid(i % 2 === 0 ? bobOnFirst : bobOnSecond, auctionId)),
    );
    const limit = allowed(startedAt);
    const admitted = answers.filter((answer) => answer.status !== 429);
    expect(admitted.length).toBeGreaterThanOrEqual(BID_RATE.burst);
    expect(admitted.length).toBeLessThanOrEqual(limit);
    expect(admitted.every((answer) => answer.status === 200 || answer.status === 409)).toBe(true);
    const stats = await first.inject({
      method: 'GET',
      url: '/admin/stats',
      headers: { authorization: `Bearer ${ADMIN}` },
    });
    expect(stats.json()).toMatchObject({ rateLimits: { bids: { store: 'redis', fallingBack: false } } });
  });

  it('keeps a limit per process with RATE_LIMIT_STORE=process', async () => {
    const [first, second] = await twoApps({ rateLimitStore: 'process' });
    const auctionId = await openAuction(first);
    const bob = await signIn(first, 'bob');
    const bobOnSecond: SignedInUser = {
      ...bob,
      request: (options) =>
        second.inject({ ...options, headers: { authorization: `Bearer ${bob.token}`, ...(options.headers ?? {}) } }),
    };
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => httpBid(i % 2 === 0 ? bob : bobOnSecond, auctionId)),
    );
    expect(answers.filter((answer) => answer.status !== 429).length).toBe(100);
  });

  it('lets bids through, limited in process, when Redis fails for the limiter', async () => {
    const app = await start(store, { bidRate: { perSecond: 1, burst: 3 } });
    const auctionId = await openAuction(app);
    const bob = await signIn(app, 'bob');
    // A key of the wrong type: Redis answers the limiter's script with an error (WRONGTYPE).
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS_URL);
    try {
      await redis.set(`${app.outcry.config.redisPrefix}rate:bids:bob`, 'not a bucket');
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await httpBid(bob, auctionId));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
      const stats = await app.inject({
        method: 'GET',
        url: '/admin/stats',
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(stats.json()).toMatchObject({ rateLimits: { bids: { store: 'redis', fallingBack: true } } });
    } finally {
      redis.disconnect();
    }
  });
});
