import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { usableStores } from './support/services.js';
import { type SignedInUser, signIn, startTestApp } from './support/test-server.js';

type App = Awaited<ReturnType<typeof startTestApp>>;
const stores = await usableStores();
const BIDS = 200;

describe('BID_JUDGING', () => {
  it('is owner unless set to anywhere, and nothing else', () => {
    expect(loadConfig({}).bidJudging).toBe('owner');
    expect(loadConfig({ BID_JUDGING: 'anywhere' }).bidJudging).toBe('anywhere');
    expect(() => loadConfig({ BID_JUDGING: 'elsewhere' })).toThrow(/BID_JUDGING/);
  });
});

describe.skipIf(!stores.includes('redis'))(
  'two server processes judging bids where they land (BID_JUDGING=anywhere)',
  () => {
    const apps: App[] = [];
    beforeAll(async () => {
      const first = await startTestApp('redis', { bidJudging: 'anywhere' });
      apps.push(first);
      // The second shares the first's data, as a second process behind a round-robin balancer would.
      apps.push(await startTestApp('redis', { bidJudging: 'anywhere', redisPrefix: first.outcry.config.redisPrefix }));
    });
    afterAll(async () => {
      for (const app of apps.reverse()) await app.dispose();
    });

    it('take bids on one auction from both at once: one ledger, the highest maximum leads', async () => {
      const [one, two] = apps as [App, App];
      const seller = await signIn(one, 'seller');
      const created = await seller.request({
        method: 'POST',
        url: '/auctions',
        payload: {
          title: 'Hot lot',
          currency: 'USD',
          startingPrice: 1_000,
          increment: { type: 'fixed', amount: 5 },
          endsAt: Date.now() + 60_000,
        },
      });
      expect(created.statusCode).toBe(201);
      const auctionId = created.json().id as string;
      const bidders: SignedInUser[] = [];
      for (let i = 0; i < 20; i++) bidders.push(await signIn(i % 2 === 0 ? one : two, `bidder-${i}`));
      const amounts = Array.from({ length: BIDS }, (_, i) => 1_000 + ((i * 37) % BIDS) * 7);
      const answers = await Promise.all(
        amounts.map((amount, i) =>
          (bidders[i % bidders.length] as SignedInUser).request({
            method: 'POST',
            url: `/auctions/${auctionId}/bids`,
            payload: { amount, bidId: `bid-${i}` },
          }),
        ),
      );
      const accepted = answers.filter((a) => a.statusCode === 200).map((a) => a.json());
      expect(accepted.length + answers.filter((a) => a.statusCode === 409).length).toBe(BIDS);
      const seqs = accepted.map((a) => a.seq as number).sort((a, b) => a - b);
      expect(new Set(seqs).size).toBe(seqs.length);
      const top = Math.max(...amounts);
      const leader = `bidder-${amounts.indexOf(top) % bidders.length}`;
      for (const app of apps) {
        const view = (await app.inject({ method: 'GET', url: `/auctions/${auctionId}` })).json();
        expect(view.leaderId).toBe(leader);
        expect(view.bidCount).toBe(accepted.length);
      }
    });
  },
);
