import { eventually } from '@outcry/core/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usableStores } from './support/services.js';
import { ADMIN, auctionBody, signIn, startTestApp } from './support/test-server.js';

type App = FastifyInstance & { dispose(): Promise<void> };
type User = Awaited<ReturnType<typeof signIn>>;

const stores = await usableStores();

/** Asserts the error shape and returns the error. */
function expectError(response: { statusCode: number; json(): unknown; body: string }, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json() as { error: { code: string; message: string; details?: unknown } };
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  return body.error;
}

describe.each(stores)('HTTP API on STORE=%s', (store) => {
  let app: App;
  let alice: User;
  let bob: User;
  let carol: User;

  beforeAll(async () => {
    app = await startTestApp(store);
    [alice, bob, carol] = await Promise.all([signIn(app, 'alice'), signIn(app, 'bob'), signIn(app, 'carol')]);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  /** An open auction of alice's, with a fixed increment of 100. */
  async function openAuction(overrides: Record<string, unknown> = {}, endsInMs = 60_000) {
    const response = await alice.request({
      method: 'POST',
      url: '/auctions',
      payload: auctionBody(overrides, endsInMs),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; sellerId: string; minimumBid: number; status: string };
  }

  describe('POST /session', () => {
    it('gives a token that authenticates writes', async () => {
      const response = await app.inject({ method: 'POST', url: '/session', payload: { userId: 'dora' } });
      expect(response.statusCode).toBe(201);
      const body = response.json() as { token: string; userId: string; expiresAt: number };
      expect(body.userId).toBe('dora');
      expect(body.expiresAt).toBeGreaterThan(Date.now());
      expect(body.token).toMatch(/^[\w-]+\.[\w-]+$/);
    });

    it.each([
      ['no body', undefined],
      ['an empty object', {}],
      ['an empty name', { userId: '' }],
      ['a NUL', { userId: 'a\u0000b' }],
      ['a tab', { userId: 'a\tb' }],
      ['a C1 control', { userId: 'a\u0085' }],
      ['a lone surrogate', { userId: 'a\ud800' }],
      ['a name too long', { userId: 'x'.repeat(124) }],
      ['a number', { userId: 42 }],
      ['an extra field', { userId: 'ok', admin: true }],
      ['an array', ['alice']],
    ])('refuses %s with 422 INVALID_INPUT', async (_label, payload) => {
      const response = await app.inject({
        method: 'POST',
        url: '/session',
        ...(payload === undefined ? {} : { payload }),
      });
      expectError(response, 422, 'INVALID_INPUT');
    });
  });

  describe('authentication', () => {
    it.each([
      ['no Authorization header', undefined],
      ['an empty bearer', 'Bearer '],
      ['a Basic scheme', 'Basic YWxpY2U6c2VjcmV0'],
      ['garbage', 'Bearer not-a-token'],
      ['a forged signature', 'Bearer eyJzdWIiOiJhbGljZSIsImV4cCI6OTk5OTk5OTk5OTk5OX0.AAAA'],
      ['two dots', 'Bearer a.b.c'],
    ])('refuses a write with %s: 401 UNAUTHORIZED', async (_label, authorization) => {
      const response = await app.inject({
        method: 'POST',
        url: '/auctions',
        payload: auctionBody(),
        ...(authorization === undefined ? {} : { headers: { authorization } }),
      });
      expectError(response, 401, 'UNAUTHORIZED');
      expect(response.headers['www-authenticate']).toContain('Bearer');
    });

    it('refuses a token signed with another secret', async () => {
      const other = await startTestApp('memory');
      try {
        const stranger = await signIn(other, 'alice');
        const response = await app.inject({
          method: 'POST',
          url: '/auctions',
          payload: auctionBody(),
          headers: { authorization: `Bearer ${stranger.token}` },
        });
        expectError(response, 401, 'UNAUTHORIZED');
      } finally {
        await other.dispose();
      }
    });

    it('refuses a tampered payload (someone else as the subject)', async () => {
      const [, signature] = alice.token.split('.');
      const forged = `${Buffer.from(JSON.stringify({ sub: 'bob', exp: Date.now() + 60_000 })).toString('base64url')}.${signature}`;
      const response = await app.inject({
        method: 'POST',
        url: '/auctions',
        payload: auctionBody(),
        headers: { authorization: `Bearer ${forged}` },
      });
      expectError(response, 401, 'UNAUTHORIZED');
    });

    it('does not let the admin token act as a user', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/auctions',
        payload: auctionBody(),
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expectError(response, 403, 'FORBIDDEN');
    });
  });

  describe('POST /auctions', () => {
    it('creates an auction whose seller is the caller: 201 with the public view', async () => {
      const body = auctionBody({ reservePrice: 5_000, buyNowPrice: 20_000, metadata: { colour: 'red' } });
      const response = await alice.request({ method: 'POST', url: '/auctions', payload: body });
      expect(response.statusCode, response.body).toBe(201);
      const auction = response.json() as Record<string, unknown>;
      expect(auction).toMatchObject({
        id: body.id,
        sellerId: 'alice',
        status: 'open',
        price: 1_000,
        hasReserve: true,
        reserveMet: false,
        buyNowPrice: 20_000,
      });
      expect(auction).not.toHaveProperty('reservePrice');
      expect(response.headers.location).toBe(`/auctions/${body.id}`);
    });

    it('accepts sellerId only when it is the caller', async () => {
      const ok = await alice.request({ method: 'POST', url: '/auctions', payload: auctionBody({ sellerId: 'alice' }) });
      expect(ok.statusCode).toBe(201);
      const error = expectError(
        await alice.request({ method: 'POST', url: '/auctions', payload: auctionBody({ sellerId: 'bob' }) }),
        422,
        'INVALID_INPUT',
      );
      expect(error.details).toEqual([{ path: 'sellerId', message: expect.any(String) }]);
    });

    it.each([
      ['an array', []],
      ['a JSON string', JSON.stringify('guitar')],
      ['null', null],
      ['no title', { title: undefined }],
      ['an empty title', { title: '' }],
      ['a lowercase currency', { currency: 'usd' }],
      ['a fractional price', { startingPrice: 10.5 }],
      ['a negative price', { startingPrice: -1 }],
      ['a price as a string', { startingPrice: '1000' }],
      ['an unsafe price', { startingPrice: 2 ** 60 }],
      ['a reserve below the start', { reservePrice: 10 }],
      ['a buy-now price below the start', { buyNowPrice: 500 }],
      ['an end in the past', { endsAt: Date.now() - 1_000 }],
      ['an end before the start', { startsAt: Date.now() + 10_000, endsAt: Date.now() + 5_000 }],
      ['an unknown field', { colour: 'red' }],
      ['a bad increment', { increment: { type: 'fixed', amount: 0 } }],
      ['a bad soft close', { softClose: { windowMs: -5, extendMs: 10 } }],
      ['a bad id', { id: 'has space' }],
      ['a price over 10^15', { startingPrice: 10 ** 15 + 1 }],
      ['an increment over 10^15', { increment: { type: 'fixed', amount: 10 ** 15 + 1 } }],
    ])('refuses %s with 422 INVALID_INPUT and details', async (_label, change) => {
      const payload =
        Array.isArray(change) || change === null || typeof change !== 'object'
          ? JSON.stringify(change)
          : auctionBody(change);
      const response = await alice.request({
        method: 'POST',
        url: '/auctions',
        payload: payload as never,
        headers: { 'content-type': 'application/json' },
      });
      const error = expectError(response, 422, 'INVALID_INPUT');
      expect(Array.isArray(error.details)).toBe(true);
    });

    it.each([
      ['a NUL in the title', { title: 'Gui\u0000tar' }, 'title'],
      ['a lone surrogate in the title', { title: 'Gui\ud800tar' }, 'title'],
      ['an escape character in the title', { title: '\u001b[31mred' }, 'title'],
      ['a NUL in a metadata value', { metadata: { a: [{ b: 'x\u0000' }] } }, 'metadata.a.0.b'],
      ['a NUL in a metadata key', { metadata: { 'k\u0000': 1 } }, 'metadata.k\u0000'],
      ['a lone surrogate in metadata', { metadata: { s: '\udfff' } }, 'metadata.s'],
      [
        'metadata of 3,000 nested arrays',
        { metadata: { deep: JSON.parse(`${'['.repeat(3_000)}${']'.repeat(3_000)}`) } },
        `metadata.deep${'.0'.repeat(15)}`,
      ],
      ['metadata over 1,000 entries', { metadata: { list: Array.from({ length: 1_001 }, () => 0) } }, 'metadata'],
    ])('refuses %s with 422 INVALID_INPUT naming the field', async (_label, change, path) => {
      const response = await alice.request({ method: 'POST', url: '/auctions', payload: auctionBody(change) });
      const error = expectError(response, 422, 'INVALID_INPUT');
      expect((error.details as Array<{ path: string }>).map((issue) => issue.path)).toEqual([path]);
    });

    it('keeps titles and metadata of any script, with tabs and newlines, as they were sent', async () => {
      const title = 'Gitara Łukasza\t用户42 😀';
      const metadata = { 'Zustand\n': 'sehr gut\r\n', '<b>': ['"x"', '\\'], nested: { deeper: { list: [1, null] } } };
      const created = await openAuction({ title, metadata });
      const shown = (await app.inject({ method: 'GET', url: `/auctions/${created.id}` })).json();
      expect(shown).toMatchObject({ title, metadata });
    });

    it('refuses a second auction with the same id: 409 AUCTION_EXISTS', async () => {
      const body = auctionBody();
      expect((await alice.request({ method: 'POST', url: '/auctions', payload: body })).statusCode).toBe(201);
      expectError(await bob.request({ method: 'POST', url: '/auctions', payload: body }), 409, 'AUCTION_EXISTS');
    });
  });

  describe('GET /auctions and /auctions/:id', () => {
    it('lists newest first with a status filter and a cursor that pages through everything', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await openAuction()).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/auctions?status=open&limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
        const response = await app.inject({ method: 'GET', url });
        expect(response.statusCode, response.body).toBe(200);
        const page = response.json() as { items: Array<{ id: string; status: string }>; nextCursor: string | null };
        expect(page.items.length).toBeLessThanOrEqual(2);
        for (const item of page.items) expect(item.status).toBe('open');
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      for (const id of ids) expect(seen).toContain(id);
      expect(new Set(seen).size).toBe(seen.length);
      // Newest first: the last created comes before the first.
      expect(seen.indexOf(ids[4] as string)).toBeLessThan(seen.indexOf(ids[0] as string));
    });

    it.each([
      ['an unknown status', '?status=sold'],
      ['a zero limit', '?limit=0'],
      ['a huge limit', '?limit=100000'],
      ['a word as limit', '?limit=ten'],
      ['a cursor we never gave', '?cursor=not-a-cursor'],
      ['a cursor with a NUL', `?cursor=${Buffer.from('[1,"a\\u0000b"]').toString('base64url')}`],
      ['a cursor with a fraction', `?cursor=${Buffer.from('[1.5,"x"]').toString('base64url')}`],
      ['a cursor past every instant', `?cursor=${Buffer.from('[1e308,"x"]').toString('base64url')}`],
      ['a cursor with a bad auction id', `?cursor=${Buffer.from('[1,"has space"]').toString('base64url')}`],
      ['an unknown parameter', '?sort=price'],
    ])('refuses %s with 422 INVALID_INPUT', async (_label, query) => {
      const error = expectError(await app.inject({ method: 'GET', url: `/auctions${query}` }), 422, 'INVALID_INPUT');
      if (query.startsWith('?cursor='))
        expect(error.details).toEqual([{ path: 'cursor', message: expect.any(String) }]);
    });

    it('shows one auction, and 404 AUCTION_NOT_FOUND for unknown or impossible ids', async () => {
      const auction = await openAuction();
      const response = await app.inject({ method: 'GET', url: `/auctions/${auction.id}` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id: auction.id, sellerId: 'alice' });
      expectError(await app.inject({ method: 'GET', url: '/auctions/nope' }), 404, 'AUCTION_NOT_FOUND');
      expectError(await app.inject({ method: 'GET', url: '/auctions/has%20space' }), 404, 'AUCTION_NOT_FOUND');
      expectError(await app.inject({ method: 'GET', url: `/auctions/${'x'.repeat(150)}` }), 404, 'AUCTION_NOT_FOUND');
    });
  });

  describe('POST /auctions/:id/bids', () => {
    it('accepts a bid: 200 with the outcome, price by proxy', async () => {
      const auction = await openAuction();
      const first = await bob.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids`,
        payload: { amount: 5_000 },
      });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toMatchObject({
        status: 'accepted',
        auctionId: auction.id,
        price: 1_000,
        leaderId: 'bob',
        leading: true,
        minimumBid: 1_100,
      });
      const second = await carol.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids`,
        payload: { amount: 2_000 },
      });
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({ status: 'accepted', price: 2_100, leaderId: 'bob', leading: false });
    });

    it('answers rule rejections with 409 and the outcome in details', async () => {
      const auction = await openAuction();
      await bob.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 3_000 } });
      const low = expectError(
        await carol.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 500 } }),
        409,
        'BID_TOO_LOW',
      );
      expect(low.details).toMatchObject({
        status: 'rejected',
        code: 'BID_TOO_LOW',
        minimumBid: 1_100,
        auctionId: auction.id,
      });
      expectError(
        await alice.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 9_000 } }),
        409,
        'SELLER_CANNOT_BID',
      );
    });

    it('rejects bids before the start (AUCTION_NOT_OPEN) and after the end (AUCTION_ENDED)', async () => {
      const scheduled = await openAuction({ startsAt: Date.now() + 60_000 }, 120_000);
      expect(scheduled.status).toBe('scheduled');
      expectError(
        await bob.request({ method: 'POST', url: `/auctions/${scheduled.id}/bids`, payload: { amount: 2_000 } }),
        409,
        'AUCTION_NOT_OPEN',
      );
      const ending = await openAuction({}, 300);
      await eventually(
        async () => {
          const response = await app.inject({ method: 'GET', url: `/auctions/${ending.id}` });
          return (response.json() as { status: string }).status === 'closed' ? true : undefined;
        },
        5_000,
        'the auction to close',
      );
      expectError(
        await bob.request({ method: 'POST', url: `/auctions/${ending.id}/bids`, payload: { amount: 2_000 } }),
        409,
        'AUCTION_ENDED',
      );
    });

    it.each([
      ['a string amount', { amount: '2000' }],
      ['a fractional amount', { amount: 20.5 }],
      ['a negative amount', { amount: -100 }],
      ['a zero amount', { amount: 0 }],
      ['an unsafe amount', { amount: 2 ** 60 }],
      ['an amount over 10^15', { amount: 10 ** 15 + 1 }],
      ['no amount', {}],
      ['an extra field', { amount: 2_000, bidderId: 'carol' }],
      ['a bidId with a control character', { amount: 2_000, bidId: 'has\u0000nul' }],
      ['a bidId with a lone surrogate', { amount: 2_000, bidId: '\udc00' }],
      ['an empty bidId', { amount: 2_000, bidId: '' }],
      ['a long bidId', { amount: 2_000, bidId: 'x'.repeat(129) }],
      ['an array', [2_000]],
      ['a bare number', 2_000],
    ])('refuses %s with 422 INVALID_BID', async (_label, payload) => {
      const auction = await openAuction();
      const error = expectError(
        await bob.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: payload as never }),
        422,
        'INVALID_BID',
      );
      expect(Array.isArray(error.details)).toBe(true);
    });

    it('cannot bid as someone else: the bidder is the token, never the body', async () => {
      const auction = await openAuction();
      expectError(
        await bob.request({
          method: 'POST',
          url: `/auctions/${auction.id}/bids`,
          payload: { amount: 2_000, bidderId: 'carol' },
        }),
        422,
        'INVALID_BID',
      );
      const response = await bob.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids`,
        payload: { amount: 2_000 },
      });
      expect(response.json()).toMatchObject({ leaderId: 'bob' });
    });

    it('answers 404 for an unknown auction and 401 without a token', async () => {
      expectError(
        await bob.request({ method: 'POST', url: '/auctions/missing/bids', payload: { amount: 2_000 } }),
        404,
        'AUCTION_NOT_FOUND',
      );
      const auction = await openAuction();
      expectError(
        await app.inject({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 2_000 } }),
        401,
        'UNAUTHORIZED',
      );
    });

    it('is idempotent per bidId: the same bid twice is one bid; another body is DUPLICATE_BID', async () => {
      const auction = await openAuction();
      const payload = { amount: 2_000, bidId: 'my-bid-1' };
      const first = await bob.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload });
      const again = await bob.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload });
      expect(first.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect((first.json() as { bidId: string }).bidId).toBe('my-bid-1');
      expectError(
        await bob.request({
          method: 'POST',
          url: `/auctions/${auction.id}/bids`,
          payload: { amount: 3_000, bidId: 'my-bid-1' },
        }),
        409,
        'DUPLICATE_BID',
      );
      // Another user's key of the same name is another bid: keys are per user.
      const carols = await carol.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids`,
        payload: { amount: 2_500, bidId: 'my-bid-1' },
      });
      expect(carols.statusCode, carols.body).toBe(200);
      // Reads come from the snapshot cache, which events keep fresh a moment later on shared stores.
      await eventually(
        async () => {
          const view = (await app.inject({ method: 'GET', url: `/auctions/${auction.id}` })).json() as {
            bidCount: number;
          };
          return view.bidCount === 2 ? true : undefined;
        },
        3_000,
        'bidCount 2',
      );
    });

    it('takes ?wait=false bids at once (202) and GET /bids/:bidId shows the outcome to the bidder only', async () => {
      const auction = await openAuction();
      const response = await bob.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids?wait=false`,
        payload: { amount: 2_000, bidId: 'later-1' },
      });
      expect(response.statusCode, response.body).toBe(202);
      expect(response.json()).toMatchObject({ bidId: 'later-1' });
      const outcome = await eventually(async () => {
        const lookup = await bob.request({ method: 'GET', url: '/bids/later-1' });
        if (lookup.statusCode === 202) return undefined;
        expect(lookup.statusCode, lookup.body).toBe(200);
        return lookup.json() as Record<string, unknown>;
      });
      expect(outcome).toMatchObject({ status: 'accepted', bidId: 'later-1', leaderId: 'bob' });
      expectError(await carol.request({ method: 'GET', url: '/bids/later-1' }), 404, 'BID_NOT_FOUND');
      expectError(await app.inject({ method: 'GET', url: '/bids/later-1' }), 401, 'UNAUTHORIZED');
      expectError(await bob.request({ method: 'GET', url: '/bids/never-placed' }), 404, 'BID_NOT_FOUND');
      expectError(await bob.request({ method: 'GET', url: '/bids/bad%20id' }), 404, 'BID_NOT_FOUND');
      // Without a bidId the server makes one and says which.
      const made = await bob.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids?wait=false`,
        payload: { amount: 2_500 },
      });
      expect(made.statusCode).toBe(202);
      expect((made.json() as { bidId: string }).bidId).toMatch(/^[\w-]+$/);
    });

    it('shows a rejected wait=false bid as a rejected outcome', async () => {
      const auction = await openAuction();
      await bob.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids?wait=false`,
        payload: { amount: 10, bidId: 'low-1' },
      });
      const outcome = await eventually(async () => {
        const lookup = await bob.request({ method: 'GET', url: '/bids/low-1' });
        return lookup.statusCode === 200 ? (lookup.json() as Record<string, unknown>) : undefined;
      });
      expect(outcome).toMatchObject({ status: 'rejected', code: 'BID_TOO_LOW', bidId: 'low-1' });
    });

    it('refuses an unknown wait value with 422 INVALID_INPUT', async () => {
      const auction = await openAuction();
      expectError(
        await bob.request({
          method: 'POST',
          url: `/auctions/${auction.id}/bids?wait=maybe`,
          payload: { amount: 2_000 },
        }),
        422,
        'INVALID_INPUT',
      );
    });
  });

  describe('GET /auctions/:id/bids and /stats', () => {
    it('shows the public history (no maxima) and the figures', async () => {
      const auction = await openAuction();
      await bob.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids`,
        payload: { amount: 5_000, bidId: 'b1' },
      });
      await carol.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 2_000 } });
      const history = await app.inject({ method: 'GET', url: `/auctions/${auction.id}/bids` });
      expect(history.statusCode).toBe(200);
      const { items } = history.json() as { items: Array<Record<string, unknown>> };
      expect(items).toHaveLength(2);
      expect(items[0]).toMatchObject({ bidId: 'b1', bidderId: 'bob', price: 1_000, leaderId: 'bob', buyNow: false });
      expect(items[1]).toMatchObject({ bidderId: 'carol', price: 2_100, leaderId: 'bob' });
      expect(JSON.stringify(items)).not.toContain('5000');
      const after = await app.inject({
        method: 'GET',
        url: `/auctions/${auction.id}/bids?afterSeq=${items[0]?.seq}&limit=1`,
      });
      expect((after.json() as { items: unknown[] }).items).toHaveLength(1);

      const stats = await app.inject({ method: 'GET', url: `/auctions/${auction.id}/stats` });
      expect(stats.statusCode).toBe(200);
      expect(stats.json()).toMatchObject({
        bidCount: 2,
        uniqueBidders: 2,
        startingPrice: 1_000,
        price: 2_100,
        priceIncrease: 1_100,
        priceIncreasePct: 110,
        extensions: 0,
      });
      expect((stats.json() as { timeLeftMs: number }).timeLeftMs).toBeGreaterThan(0);
    });

    it('answers 404 for unknown auctions and 422 for bad queries', async () => {
      expectError(await app.inject({ method: 'GET', url: '/auctions/missing/bids' }), 404, 'AUCTION_NOT_FOUND');
      expectError(await app.inject({ method: 'GET', url: '/auctions/missing/stats' }), 404, 'AUCTION_NOT_FOUND');
      const auction = await openAuction();
      expectError(
        await app.inject({ method: 'GET', url: `/auctions/${auction.id}/bids?afterSeq=-1` }),
        422,
        'INVALID_INPUT',
      );
      expectError(
        await app.inject({ method: 'GET', url: `/auctions/${auction.id}/bids?limit=0` }),
        422,
        'INVALID_INPUT',
      );
      expectError(
        await app.inject({ method: 'GET', url: `/auctions/${auction.id}/bids?limit=abc` }),
        422,
        'INVALID_INPUT',
      );
      expectError(
        await app.inject({ method: 'GET', url: `/auctions/${auction.id}/bids?order=desc` }),
        422,
        'INVALID_INPUT',
      );
    });
  });

  describe('POST /auctions/:id/buy-now', () => {
    it('buys at the buy-now price and closes the auction', async () => {
      const auction = await openAuction({ buyNowPrice: 9_000 });
      const response = await bob.request({ method: 'POST', url: `/auctions/${auction.id}/buy-now` });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ status: 'accepted', price: 9_000, leaderId: 'bob' });
      const view = await eventually(async () => {
        const v = (await app.inject({ method: 'GET', url: `/auctions/${auction.id}` })).json() as {
          status: string;
          result: unknown;
        };
        return v.status === 'closed' ? v : undefined;
      });
      expect(view.result).toMatchObject({ outcome: 'bought-now', winnerId: 'bob', price: 9_000 });
    });

    it('answers 409 BUY_NOW_UNAVAILABLE after a bid or without a buy-now price, and 422 for a bad body', async () => {
      const auction = await openAuction({ buyNowPrice: 9_000 });
      await carol.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 2_000 } });
      expectError(
        await bob.request({ method: 'POST', url: `/auctions/${auction.id}/buy-now`, payload: {} }),
        409,
        'BUY_NOW_UNAVAILABLE',
      );
      const plain = await openAuction();
      expectError(
        await bob.request({ method: 'POST', url: `/auctions/${plain.id}/buy-now` }),
        409,
        'BUY_NOW_UNAVAILABLE',
      );
      expectError(
        await bob.request({ method: 'POST', url: `/auctions/${plain.id}/buy-now`, payload: { price: 1 } }),
        422,
        'INVALID_BID',
      );
      const own = await openAuction({ buyNowPrice: 9_000 });
      expectError(
        await alice.request({ method: 'POST', url: `/auctions/${own.id}/buy-now` }),
        409,
        'SELLER_CANNOT_BID',
      );
      expectError(await app.inject({ method: 'POST', url: `/auctions/${plain.id}/buy-now` }), 401, 'UNAUTHORIZED');
    });
  });

  describe('POST /auctions/:id/cancel', () => {
    it('lets the seller cancel, with a reason', async () => {
      const auction = await openAuction();
      const response = await alice.request({
        method: 'POST',
        url: `/auctions/${auction.id}/cancel`,
        payload: { reason: 'damaged' },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json()).toMatchObject({ id: auction.id, status: 'cancelled', result: { outcome: 'cancelled' } });
      expectError(
        await alice.request({ method: 'POST', url: `/auctions/${auction.id}/cancel` }),
        409,
        'AUCTION_CANCELLED',
      );
      expectError(
        await bob.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 2_000 } }),
        409,
        'AUCTION_CANCELLED',
      );
    });

    it('refuses other users (403), nobody (401), and bad bodies (422); lets the admin cancel', async () => {
      const auction = await openAuction();
      expectError(await bob.request({ method: 'POST', url: `/auctions/${auction.id}/cancel` }), 403, 'FORBIDDEN');
      expectError(await app.inject({ method: 'POST', url: `/auctions/${auction.id}/cancel` }), 401, 'UNAUTHORIZED');
      expectError(
        await alice.request({ method: 'POST', url: `/auctions/${auction.id}/cancel`, payload: { reason: 7 } }),
        422,
        'INVALID_INPUT',
      );
      for (const reason of ['a\u0000b', '\ud800', 'bell\u0007']) {
        const error = expectError(
          await alice.request({ method: 'POST', url: `/auctions/${auction.id}/cancel`, payload: { reason } }),
          422,
          'INVALID_INPUT',
        );
        expect(error.details).toEqual([{ path: 'reason', message: expect.any(String) }]);
      }
      expectError(await alice.request({ method: 'POST', url: '/auctions/missing/cancel' }), 404, 'AUCTION_NOT_FOUND');
      const byAdmin = await app.inject({
        method: 'POST',
        url: `/auctions/${auction.id}/cancel`,
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      expect(byAdmin.statusCode, byAdmin.body).toBe(200);
      expect(byAdmin.json()).toMatchObject({ status: 'cancelled' });
    });
  });

  describe('admin routes', () => {
    const admin = { authorization: `Bearer ${ADMIN}` };

    it('shows the figures of every part', async () => {
      const response = await app.inject({ method: 'GET', url: '/admin/stats', headers: admin });
      expect(response.statusCode).toBe(200);
      const stats = response.json() as Record<string, Record<string, unknown>>;
      expect(stats.store).toBe(store);
      expect(stats.house).toMatchObject({
        state: 'running',
        cache: expect.any(Object),
        queue: expect.any(Object),
        sequencer: expect.any(Object),
        broadcaster: expect.any(Object),
      });
      expect(stats.websocket).toMatchObject({ connections: expect.any(Number) });
    });

    it('warms and clears the cache', async () => {
      const auction = await openAuction();
      const cleared = await app.inject({ method: 'POST', url: '/admin/cache/clear', headers: admin });
      expect(cleared.statusCode).toBe(200);
      const warmed = await app.inject({
        method: 'POST',
        url: '/admin/cache/warm',
        headers: admin,
        payload: { auctionIds: [auction.id] },
      });
      expect(warmed.statusCode).toBe(200);
      expect(warmed.json()).toMatchObject({ warmed: 1 });
      const all = await app.inject({ method: 'POST', url: '/admin/cache/warm', headers: admin });
      expect((all.json() as { warmed: number }).warmed).toBeGreaterThan(0);
      expectError(
        await app.inject({ method: 'POST', url: '/admin/cache/warm', headers: admin, payload: { auctionIds: 'all' } }),
        422,
        'INVALID_INPUT',
      );
    });

    it('refuses users (403), nobody (401) and bad tokens (401)', async () => {
      for (const url of ['/admin/stats', '/admin/cache/warm', '/admin/cache/clear']) {
        const method = url === '/admin/stats' ? 'GET' : 'POST';
        expectError(await app.inject({ method, url }), 401, 'UNAUTHORIZED');
        expectError(await bob.request({ method, url }), 403, 'FORBIDDEN');
        expectError(
          await app.inject({ method, url, headers: { authorization: 'Bearer wrong-admin-token-xxxx' } }),
          401,
          'UNAUTHORIZED',
        );
      }
    });
  });

  describe('monitoring and documentation', () => {
    it('GET /health and GET /ready check every dependency', async () => {
      expect((await app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ status: 'ok' });
      const ready = await app.inject({ method: 'GET', url: '/ready' });
      expect(ready.statusCode, ready.body).toBe(200);
      const checks = (ready.json() as { checks: Record<string, string> }).checks;
      expect(checks.house).toBe('ok');
      if (store === 'redis' || store === 'hybrid') expect(checks.redis).toBe('ok');
      if (store === 'postgres' || store === 'hybrid') expect(checks.postgres).toBe('ok');
    });

    it('GET /partitions says which partitions this process sequences', async () => {
      const answer = (await app.inject({ method: 'GET', url: '/partitions' })).json() as {
        total: number;
        owned: number[];
      };
      // Alone on its store, the house owns every partition.
      expect(answer.owned).toEqual(Array.from({ length: answer.total }, (_, i) => i));
    });

    it('GET /metrics is Prometheus text with the bid, queue, cache and WebSocket figures', async () => {
      const auction = await openAuction();
      await bob.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 2_000 } });
      await carol.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 10 } });
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      for (const name of [
        'outcry_bid_duration_seconds_bucket',
        'outcry_bids_total{result="accepted",code="accepted"}',
        'outcry_bids_total{result="rejected",code="BID_TOO_LOW"}',
        'outcry_queue_intake',
        'outcry_queue_waiting_callers',
        'outcry_commands_in_memory',
        'outcry_commands_queued',
        'outcry_commands_direct',
        'outcry_cache_hit_ratio',
        'outcry_websocket_connections',
      ]) {
        expect(response.body).toContain(name);
      }
      // In memory the house owns every partition: its bids never travel through the queue.
      expect(response.body).toMatch(/^outcry_commands_in_memory [1-9]\d*$/m);
    });

    it('GET /openapi.json describes every route, and /docs and / are pages', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
        openapi: string;
        paths: Record<string, object>;
      };
      expect(doc.openapi).toBe('3.1.0');
      for (const path of [
        '/session',
        '/auctions',
        '/auctions/{id}',
        '/auctions/{id}/bids',
        '/auctions/{id}/stats',
        '/auctions/{id}/buy-now',
        '/auctions/{id}/cancel',
        '/bids/{bidId}',
        '/health',
        '/ready',
        '/partitions',
        '/metrics',
        '/admin/stats',
        '/admin/cache/warm',
        '/admin/cache/clear',
      ]) {
        expect(doc.paths).toHaveProperty([path]);
      }
      const createBody = (
        doc.paths['/auctions'] as {
          post: { requestBody: { content: { 'application/json': { schema: { properties: object } } } } };
        }
      ).post.requestBody.content['application/json'].schema;
      expect(createBody.properties).toHaveProperty('startingPrice');
      expect(createBody.properties).not.toHaveProperty('sellerId');
      for (const url of ['/', '/docs']) {
        const page = await app.inject({ method: 'GET', url });
        expect(page.statusCode).toBe(200);
        expect(page.headers['content-type']).toContain('text/html');
        expect(page.body).not.toMatch(/https?:\/\/(?!localhost)/);
      }
      for (const url of ['/app.js', '/style.css', '/docs.js'])
        expect((await app.inject({ method: 'GET', url })).statusCode).toBe(200);
    });
  });

  describe('bad requests never get a 500', () => {
    it('answers 413 PAYLOAD_TOO_LARGE for a body over 64 KiB', async () => {
      const auction = await openAuction();
      const big = JSON.stringify({ amount: 2_000, bidId: 'x'.repeat(70 * 1024) });
      const response = await bob.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids`,
        payload: big,
        headers: { 'content-type': 'application/json' },
      });
      expectError(response, 413, 'PAYLOAD_TOO_LARGE');
    });

    it.each([
      ['broken JSON', '{"amount": 20'],
      ['trailing garbage', '{"amount": 2000}x'],
      ['an empty body', ''],
      ['a prototype pollution attempt', '{"__proto__": {"admin": true}, "amount": 2000}'],
    ])('answers 400 MALFORMED_JSON for %s', async (_label, payload) => {
      const auction = await openAuction();
      const response = await bob.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids`,
        payload,
        headers: { 'content-type': 'application/json' },
      });
      expectError(response, 400, 'MALFORMED_JSON');
    });

    it('answers 415 UNSUPPORTED_MEDIA_TYPE for a body that is not JSON', async () => {
      const auction = await openAuction();
      const response = await bob.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids`,
        payload: '<bid amount="2000"/>',
        headers: { 'content-type': 'application/xml' },
      });
      expectError(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 404 NOT_FOUND for unknown routes and methods', async () => {
      expectError(await app.inject({ method: 'GET', url: '/nowhere' }), 404, 'NOT_FOUND');
      expectError(await app.inject({ method: 'DELETE', url: '/auctions' }), 404, 'NOT_FOUND');
      expectError(await app.inject({ method: 'PUT', url: '/session', payload: {} }), 404, 'NOT_FOUND');
    });

    it('never answers 500 to a barrage of odd requests', async () => {
      const auction = await openAuction();
      const odd = [
        {
          method: 'POST',
          url: `/auctions/${auction.id}/bids`,
          payload: 'null',
          headers: { 'content-type': 'application/json' },
        },
        {
          method: 'POST',
          url: `/auctions/${auction.id}/bids`,
          payload: '"2000"',
          headers: { 'content-type': 'application/json' },
        },
        {
          method: 'POST',
          url: `/auctions/${auction.id}/bids`,
          payload: 'amount=2000',
          headers: { 'content-type': 'text/plain' },
        },
        {
          method: 'POST',
          url: `/auctions/${auction.id}/bids`,
          payload: '{"amount":1e400}',
          headers: { 'content-type': 'application/json' },
        },
        {
          method: 'POST',
          url: '/auctions',
          payload: `{"metadata":{"a":${'['.repeat(500)}${']'.repeat(500)}}}`,
          headers: { 'content-type': 'application/json' },
        },
        { method: 'GET', url: '/auctions?limit[]=1&limit[]=2' },
        { method: 'GET', url: '/auctions?status=open&status=closed' },
        { method: 'GET', url: `/auctions/%E0%A4%A` },
        { method: 'GET', url: `/bids/${'x'.repeat(300)}` },
        {
          method: 'POST',
          url: '/session',
          payload: '{"userId":"a","userId":"b:c"}',
          headers: { 'content-type': 'application/json' },
        },
      ] as const;
      for (const request of odd) {
        const response = await bob.request(request as never);
        expect(response.statusCode, `${request.method} ${request.url}: ${response.body}`).toBeLessThan(500);
        expect((response.json() as { error?: unknown }).error ?? 'ok').toBeDefined();
      }
    });
  });
});

describe('server settings (memory)', () => {
  it('rate limits bids per user with 429 RATE_LIMITED and Retry-After, other users unaffected', async () => {
    const app = await startTestApp('memory', { bidRate: { perSecond: 1, burst: 3 } });
    try {
      const [bob, carol] = await Promise.all([signIn(app, 'bob'), signIn(app, 'carol')]);
      const seller = await signIn(app, 'sam');
      const auction = (await seller.request({ method: 'POST', url: '/auctions', payload: auctionBody() })).json() as {
        id: string;
      };
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push(
          (
            await bob.request({
              method: 'POST',
              url: `/auctions/${auction.id}/bids`,
              payload: { amount: 2_000 + i * 1_000 },
            })
          ).statusCode,
        );
      }
      expect(codes).toEqual([200, 200, 200, 429, 429]);
      const limited = await bob.request({
        method: 'POST',
        url: `/auctions/${auction.id}/bids`,
        payload: { amount: 9_000 },
      });
      expectError(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(
        (await carol.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 20_000 } }))
          .statusCode,
      ).toBe(200);
    } finally {
      await app.dispose();
    }
  });

  it('the default limits never stop normal use: 40 quick bids in a row pass', async () => {
    const app = await startTestApp('memory', { bidRate: { perSecond: 20, burst: 50 } });
    try {
      const [bob, seller] = await Promise.all([signIn(app, 'bob'), signIn(app, 'sam')]);
      const auction = (await seller.request({ method: 'POST', url: '/auctions', payload: auctionBody() })).json() as {
        id: string;
      };
      for (let i = 0; i < 40; i++) {
        const response = await bob.request({
          method: 'POST',
          url: `/auctions/${auction.id}/bids`,
          payload: { amount: 2_000 + i * 1_000 },
        });
        expect(response.statusCode, response.body).toBe(200);
      }
    } finally {
      await app.dispose();
    }
  });

  it('answers every bid in flight when it closes: accepted ones are never dropped', async () => {
    const app = await startTestApp('memory');
    const [bob, seller] = await Promise.all([signIn(app, 'bob'), signIn(app, 'sam')]);
    const auction = (await seller.request({ method: 'POST', url: '/auctions', payload: auctionBody() })).json() as {
      id: string;
    };
    const inFlight = Array.from({ length: 200 }, (_, i) =>
      bob.request({ method: 'POST', url: `/auctions/${auction.id}/bids`, payload: { amount: 2_000 + i * 100 } }),
    );
    // Close as soon as the first bid is answered, with the others on their way.
    await Promise.race(inFlight);
    const closing = app.dispose();
    const answers = await Promise.all(inFlight);
    await closing;
    for (const answer of answers) expect([200, 409, 503], answer.body).toContain(answer.statusCode);
    for (const answer of answers.filter((a) => a.statusCode !== 200)) {
      expect(['BID_TOO_LOW', 'SHUTTING_DOWN']).toContain((answer.json() as { error: { code: string } }).error.code);
    }
    expect(answers.some((answer) => answer.statusCode === 200)).toBe(true);
  });

  it('turns POST /session off without DEV_LOGIN, and admin routes off without ADMIN_TOKEN', async () => {
    const app = await startTestApp('memory', { devLogin: false, adminToken: null });
    try {
      expectError(await app.inject({ method: 'POST', url: '/session', payload: { userId: 'bob' } }), 403, 'FORBIDDEN');
      expectError(
        await app.inject({ method: 'GET', url: '/admin/stats', headers: { authorization: `Bearer ${ADMIN}` } }),
        403,
        'FORBIDDEN',
      );
    } finally {
      await app.dispose();
    }
  });

  it('starts the demo floor: several open auctions ending at staggered times', async () => {
    const app = await startTestApp('memory', { demo: true }, { demoTiming: { botEveryMs: 50 } });
    try {
      const { items } = (await app.inject({ method: 'GET', url: '/auctions?status=open' })).json() as {
        items: Array<{ endsAt: number; metadata: { demo?: boolean } }>;
      };
      expect(items.length).toBeGreaterThanOrEqual(5);
      expect(new Set(items.map((a) => a.endsAt)).size).toBe(items.length);
      // The bots bid now and then.
      await eventually(
        async () => {
          const list = (await app.inject({ method: 'GET', url: '/auctions?status=open' })).json() as {
            items: Array<{ bidCount: number }>;
          };
          return list.items.some((a) => a.bidCount > 0) ? true : undefined;
        },
        5_000,
        'a bot bid',
      );
    } finally {
      await app.dispose();
    }
  });

  it('re-lists a demo lot when it closes', async () => {
    const app = await startTestApp(
      'memory',
      { demo: true },
      { demoTiming: { firstEndMs: 300, staggerMs: 60_000, relistAfterMs: 50, botEveryMs: 60_000 } },
    );
    try {
      const first = (
        (await app.inject({ method: 'GET', url: '/auctions?status=open' })).json() as {
          items: Array<{ id: string; title: string; endsAt: number }>;
        }
      ).items;
      const soonest = first.reduce((a, b) => (a.endsAt < b.endsAt ? a : b));
      const relisted = await eventually(
        async () => {
          const open = (
            (await app.inject({ method: 'GET', url: '/auctions?status=open' })).json() as {
              items: Array<{ id: string; title: string }>;
            }
          ).items;
          return open.find((a) => a.title === soonest.title && a.id !== soonest.id);
        },
        5_000,
        'the lot to be re-listed',
      );
      expect(relisted.title).toBe(soonest.title);
    } finally {
      await app.dispose();
    }
  });
});
