import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '@outcry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from './support/test-server.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

const BIDS = 1_000;
const BIDDERS = 100;
const INCREMENT = 5;

/** The JSON bodies this test reads: outcomes, views, pages, errors, sessions (fields by use). */
// biome-ignore lint/suspicious/noExplicitAny: a test reading many shapes of JSON, checked by its assertions
type Json = any;

/** One JSON request over the agent's keep-alive sockets. */
function send(
  agent: Agent,
  port: number,
  method: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: Json }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text === '' ? null : JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('1,000 concurrent bids over real HTTP sockets on one auction', () => {
  let app: App;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 500 });

  beforeAll(async () => {
    app = await startTestApp('memory');
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    agent.destroy();
    await app?.dispose();
  });

  it('has one winner, the highest maximum, and prices consistent with the ledger', async () => {
    const tokens = new Map<string, string>();
    await Promise.all(
      ['seller', ...Array.from({ length: BIDDERS }, (_, i) => `bidder-${i}`)].map(async (userId) => {
        const response = await send(agent, port, 'POST', '/session', { userId });
        tokens.set(userId, response.body.token as string);
      }),
    );
    const created = await send(
      agent,
      port,
      'POST',
      '/auctions',
      {
        title: 'Hot lot',
        currency: 'USD',
        startingPrice: 1_000,
        increment: { type: 'fixed', amount: INCREMENT },
        endsAt: Date.now() + 60_000,
      },
      tokens.get('seller'),
    );
    expect(created.status).toBe(201);
    const auctionId = created.body.id as string;

    // Distinct amounts, 7 apart (more than the increment), in a shuffled order.
    const amounts = Array.from({ length: BIDS }, (_, i) => 1_000 + i * 7);
    for (let i = amounts.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [amounts[i], amounts[j]] = [amounts[j] as number, amounts[i] as number];
    }
    const bids = amounts.map((amount, i) => ({ bidderId: `bidder-${i % BIDDERS}`, amount, bidId: `bid-${i}` }));
    const started = performance.now();
    const answers = await Promise.all(
      bids.map((bid) =>
        send(
          agent,
          port,
          'POST',
          `/auctions/${auctionId}/bids`,
          { amount: bid.amount, bidId: bid.bidId },
          tokens.get(bid.bidderId),
        ),
      ),
    );
    const elapsedMs = performance.now() - started;
    console.log(`[server] ${BIDS} concurrent HTTP bids in ${elapsedMs.toFixed(0)} ms`);

    // Every answer is an accepted outcome (200) or a rule rejection (409 BID_TOO_LOW): no other status.
    const accepted = answers.filter((a) => a.status === 200).map((a) => a.body);
    const rejected = answers.filter((a) => a.status === 409);
    expect(accepted.length + rejected.length).toBe(BIDS);
    for (const r of rejected) expect(r.body.error.code).toBe('BID_TOO_LOW');

    // The highest maximum is always accepted and leads in the end.
    const top = bids.reduce((a, b) => (a.amount > b.amount ? a : b));
    const view = await send(agent, port, 'GET', `/auctions/${auctionId}`, undefined);
    expect(view.body.leaderId).toBe(top.bidderId);
    expect(view.body.bidCount).toBe(accepted.length);

    // Accepted outcomes, in seq order, have strictly increasing seqs and never-falling prices.
    const bySeq = [...accepted].sort((a, b) => a.seq - b.seq);
    for (let i = 1; i < bySeq.length; i++) {
      expect(bySeq[i].seq).toBeGreaterThan(bySeq[i - 1].seq);
      expect(bySeq[i].price).toBeGreaterThanOrEqual(bySeq[i - 1].price);
    }
    const last = bySeq.at(-1);
    expect(view.body.price).toBe(last.price);
    expect(view.body.price).toBeLessThanOrEqual(top.amount);

    // The public history agrees with what the callers were told, bid for bid.
    const history: Json[] = [];
    for (let afterSeq = 0; ; ) {
      const page = await send(
        agent,
        port,
        'GET',
        `/auctions/${auctionId}/bids?afterSeq=${afterSeq}&limit=1000`,
        undefined,
      );
      history.push(...page.body.items);
      if (page.body.items.length < 1_000) break;
      afterSeq = page.body.items.at(-1).seq;
    }
    expect(history).toHaveLength(accepted.length);
    const told = new Map(accepted.map((a) => [a.bidId as string, a]));
    for (const row of history) {
      const outcome = told.get(row.bidId);
      expect(outcome, `history row ${row.bidId}`).toBeDefined();
      expect(row.price).toBe(outcome.price);
      expect(row.seq).toBe(outcome.seq);
    }

    // Close it (cancel would be no winner): end the auction by the clock with a short one instead.
    const closing = await send(
      agent,
      port,
      'POST',
      '/auctions',
      {
        title: 'Closing lot',
        currency: 'USD',
        startingPrice: 100,
        increment: { type: 'fixed', amount: INCREMENT },
        endsAt: Date.now() + 1_500,
      },
      tokens.get('seller'),
    );
    const closingId = closing.body.id as string;
    const quick = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        send(
          agent,
          port,
          'POST',
          `/auctions/${closingId}/bids`,
          { amount: 100 + i * 7 },
          tokens.get(`bidder-${i % BIDDERS}`),
        ),
      ),
    );
    const quickAccepted = quick.filter((a) => a.status === 200).map((a) => a.body);
    const quickTop = Math.max(...quickAccepted.map((a) => a.seq));
    const winnerOutcome = quickAccepted.find((a) => a.seq === quickTop);
    const closed = await eventually(
      async () => {
        const v = await send(agent, port, 'GET', `/auctions/${closingId}`, undefined);
        return v.body.status === 'closed' ? v.body : undefined;
      },
      10_000,
      'the closing lot to close',
    );
    expect(closed.result.outcome).toBe('sold');
    expect(closed.result.winnerId).toBe(winnerOutcome.leaderId);
    expect(closed.result.winnerId).toBe(`bidder-${199 % BIDDERS}`);
    expect(closed.result.price).toBe(winnerOutcome.price);
  });
});
