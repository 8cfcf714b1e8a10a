import { partitionOf } from '@outcry/core/adapter-kit';
import { eventually } from '@outcry/core/testing';
import { deleteMatching } from '@outcry/redis-adapter';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHaproxy } from '../src/balancer.js';
import { Deployment } from '../src/deployment.js';
import { createLineLog } from '../src/processes.js';
import {
  call,
  createAuction,
  ledgerProblems,
  openSocketAvoiding,
  type PlacedBid,
  placeBid,
  signIn,
} from './support/balancer-client.js';
import { ownersOnceRouted } from './support/owners.js';

const servicesRequired = process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1';
const haproxy = hasHaproxy();
if (!haproxy) {
  const message = 'HAProxy is not installed: the deployment tests cannot run (apt-get install haproxy).';
  if (servicesRequired) throw new Error(`${message} (CI=true or REQUIRE_SERVICES=1)`);
  console.warn(`SKIPPED: ${message}`);
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `outcry-cluster-test:${process.pid}:`;
/** Writes (sessions per address, auctions per user): few, so that the per-address limit shows. */
const WRITES_BURST = 40;

describe.skipIf(!haproxy)('two servers on one Redis behind HAProxy', () => {
  let deployment: Deployment;
  let base: string;
  let seller: string;
  const bidders: Array<{ id: string; token: string }> = [];
  /** Twelve auctions: both servers own the partitions of some of them (all on one: 2^-11). */
  const lots: string[] = [];
  /** Every bid placed on `lots`, for their ledgers. */
  const lotBids: PlacedBid[] = [];

  beforeAll(async () => {
    deployment = await Deployment.start({
      servers: 2,
      spare: 1,
      bind: { host: '127.0.0.1', port: 0 },
      redis: { kind: 'url', url: REDIS_URL },
      env: {
        REDIS_PREFIX: prefix,
        RATE_BIDS_PER_SEC: '100000',
        RATE_BIDS_BURST: '100000',
        RATE_WRITES_PER_SEC: '1',
        RATE_WRITES_BURST: String(WRITES_BURST),
        LOG_LEVEL: 'warn',
      },
      log: createLineLog(null),
    });
    base = deployment.url;
    seller = await signIn(base, 'seller');
    for (const id of ['ann', 'bob', 'cyd', 'dee']) bidders.push({ id, token: await signIn(base, id) });
    for (let i = 0; i < 12; i++) lots.push(await createAuction(base, seller, `Lot ${i}`));
  });
  afterAll(async () => {
    await deployment?.stop();
    const redis = new Redis(REDIS_URL);
    await deleteMatching(redis, `${prefix}*`);
    await redis.quit();
  });

  /** `rounds` bids from every bidder on each auction, amounts rising, all in flight together. */
  const bidOn = (auctionIds: readonly string[], rounds: number, from: number) =>
    Promise.all(
      auctionIds.flatMap((auctionId) =>
        bidders.flatMap((bidder, b) =>
          Array.from({ length: rounds }, (_, r) =>
            placeBid(base, bidder.token, bidder.id, auctionId, from + (r * bidders.length + b) * 10),
          ),
        ),
      ),
    );

  const settledOwners = () => ownersOnceRouted(deployment);

  it('takes HTTP bids on both servers, and every accepted bid is in its ledger once', async () => {
    await settledOwners();
    const bids = await bidOn(lots, 5, 2_000);
    lotBids.push(...bids);
    expect(new Set(bids.map((bid) => bid.server))).toEqual(new Set(['s1', 's2']));
    expect(bids.filter((bid) => bid.status === 200).length).toBeGreaterThan(0);
    expect(bids.filter((bid) => bid.status !== 200 && bid.status !== 409)).toEqual([]);
    expect(await ledgerProblems(base, lotBids)).toEqual([]);
  });

  it("sends each bid to the server that owns its auction's partition, where it is judged without the queue", async () => {
    const { total, owners } = await settledOwners();
    const bids = await bidOn(lots, 3, 10_000);
    lotBids.push(...bids);
    expect(bids.filter((bid) => bid.status !== 200 && bid.status !== 409)).toEqual([]);
    const misrouted = bids.filter((bid) => bid.server !== owners.get(partitionOf(bid.auctionId, total)));
    expect(misrouted).toEqual([]);
    expect(new Set(bids.map((bid) => bid.server))).toEqual(new Set(['s1', 's2']));
    expect(await ledgerProblems(base, lotBids)).toEqual([]);
  });

  it('shows a watcher on one server the bids placed through the other, over HTTP and WebSocket', async () => {
    const auctionId = await createAuction(base, seller, 'Clock');
    const { total, owners } = await settledOwners();
    const owner = owners.get(partitionOf(auctionId, total)) ?? null;
    // Watching on the server that does not judge the auction's bids: every event crosses Redis.
    const watcher = await openSocketAvoiding(base, owner);
    expect(['s1', 's2']).toContain(watcher.server());
    watcher.send({ type: 'subscribe', auctionId });
    await watcher.next((f) => f.type === 'snapshot');
    const heard = (seq: number) => watcher.next((f) => f.type === 'event' && (f.event as { seq: number }).seq === seq);

    const elsewhere = await placeBid(base, bidders[0]?.token ?? '', 'ann', auctionId, 2_000);
    expect(elsewhere.status).toBe(200);
    expect(elsewhere.server).not.toBe(watcher.server());
    await heard(elsewhere.seq as number);

    const bidder = await openSocketAvoiding(base, watcher.server());
    bidder.send({ type: 'auth', token: bidders[1]?.token });
    await bidder.next((f) => f.type === 'auth.ok');
    bidder.send({ type: 'bid', auctionId, amount: 9_000 });
    const result = (await bidder.next((f) => f.type === 'bid.result')).outcome as { status: string; seq: number };
    expect(result.status).toBe('accepted');
    await heard(result.seq);
    watcher.close();
    bidder.close();
  });

  it("limits sessions per client address, not per balancer: the servers trust HAProxy's X-Forwarded-For", async () => {
    const session = (localAddress: string) =>
      call(base, 'POST', '/session', { body: { userId: 'someone' }, localAddress });
    const first = await Promise.all(Array.from({ length: WRITES_BURST + 5 }, () => session('127.0.0.2')));
    expect(first.filter((answer) => answer.status === 429).length).toBeGreaterThan(0);
    // Another client (address) still gets its sessions, through the same balancer.
    expect((await session('127.0.0.3')).status).toBe(201);
  });

  it('loses nothing while a server joins and another leaves under load', async () => {
    // Twelve: some are in partitions s3 comes to own (none: 2^-12).
    const auctions: string[] = [];
    for (let i = 0; i < 12; i++) auctions.push(await createAuction(base, seller, `Vase ${i}`));
    const placed: PlacedBid[] = [];
    let going = true;
    let amount = 2_000;
    const load = Promise.all(
      bidders.map(async (bidder, b) => {
        for (let i = 0; going; i++) {
          const auctionId = auctions[(i + b) % auctions.length] as string;
          amount += 10;
          placed.push(await placeBid(base, bidder.token, bidder.id, auctionId, amount));
        }
      }),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const joined = await deployment.startServer();
      expect(joined.name).toBe('s3');
      // s1 and s2 hand over partitions above a fair share of three (4 of 12): s3 takes them.
      await settledOwners();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const servedBeforeLeaving = placed.length;
      await deployment.stopServer('s1');
      const afterLeaving = placed.length;
      // s1's partitions go to s3, and their bids follow (within seconds on a loaded machine).
      await settledOwners();
      await eventually(() => placed.length > afterLeaving, 10_000, 'a bid placed after s1 left');
      expect(placed.length).toBeGreaterThan(afterLeaving);
      expect(servedBeforeLeaving).toBeGreaterThan(0);
    } finally {
      going = false;
      await load;
    }
    expect(deployment.servers.map((server) => server.name).sort()).toEqual(['s2', 's3']);
    expect(placed.some((bid) => bid.server === 's3')).toBe(true);
    // Every bid was answered with its outcome (a client sends a bid again while it has none).
    expect(placed.filter((bid) => bid.status !== 200 && bid.status !== 409)).toEqual([]);
    expect(placed.filter((bid) => bid.status === 200).length).toBeGreaterThan(0);
    expect(await ledgerProblems(base, placed)).toEqual([]);
  });
});
