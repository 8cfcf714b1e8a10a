import { spawnSync } from 'node:child_process';
import { partitionOf } from '@outcry/core/adapter-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHaproxy } from '../src/balancer.js';
import { Deployment } from '../src/deployment.js';
import { createLineLog } from '../src/processes.js';
import {
  createAuction,
  ledgerProblems,
  openSocketAvoiding,
  type PlacedBid,
  placeBid,
  signIn,
} from './support/balancer-client.js';
import { ownersOnceRouted } from './support/owners.js';

const servicesRequired = process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1';
const missing = [
  ...(hasHaproxy() ? [] : ['HAProxy (apt-get install haproxy)']),
  ...(spawnSync('redis-server', ['--version']).status === 0 ? [] : ['redis-server']),
];
if (missing.length > 0) {
  const message = `${missing.join(' and ')} not installed: the Redis Cluster deployment test cannot run.`;
  if (servicesRequired) throw new Error(`${message} (CI=true or REQUIRE_SERVICES=1)`);
  console.warn(`SKIPPED: ${message}`);
}

describe.skipIf(missing.length > 0)('two servers on a three-master Redis Cluster behind HAProxy', () => {
  let deployment: Deployment;
  let base: string;

  beforeAll(async () => {
    deployment = await Deployment.start({
      servers: 2,
      spare: 0,
      bind: { host: '127.0.0.1', port: 0 },
      redis: { kind: 'local-cluster', masters: 3 },
      env: { RATE_BIDS_PER_SEC: '100000', RATE_BIDS_BURST: '100000', LOG_LEVEL: 'warn' },
      log: createLineLog(null),
    });
    base = deployment.url;
  });
  afterAll(async () => {
    await deployment?.stop();
  });

  it('takes bids on both servers, shows them to a watcher on either, and keeps every accepted bid once', async () => {
    expect(deployment.redisCluster?.ports).toHaveLength(3);
    const seller = await signIn(base, 'seller');
    const bidders = await Promise.all(['ann', 'bob', 'cyd'].map(async (id) => ({ id, token: await signIn(base, id) })));
    // Auctions on several partitions, so on several masters, and on both servers (each owns
    // half the partitions; all on one: 2^-11).
    const auctions = await Promise.all(Array.from({ length: 12 }, (_, i) => createAuction(base, seller, `Lot ${i}`)));
    const { total, owners } = await ownersOnceRouted(deployment);
    const watched = auctions[0] as string;
    // Watching on the server that does not own the auction: its events cross the Cluster.
    const watcher = await openSocketAvoiding(base, owners.get(partitionOf(watched, total)) ?? null);
    watcher.send({ type: 'subscribe', auctionId: watched });
    await watcher.next((f) => f.type === 'snapshot');

    const bids: PlacedBid[] = await Promise.all(
      auctions.flatMap((auctionId) =>
        bidders.flatMap((bidder, b) =>
          Array.from({ length: 5 }, (_, r) =>
            placeBid(base, bidder.token, bidder.id, auctionId, 2_000 + (r * bidders.length + b) * 10),
          ),
        ),
      ),
    );
    expect(new Set(bids.map((bid) => bid.server))).toEqual(new Set(['s1', 's2']));
    expect(bids.filter((bid) => bid.status !== 200 && bid.status !== 409)).toEqual([]);
    expect(await ledgerProblems(base, bids)).toEqual([]);

    const elsewhere = bids.find(
      (bid) => bid.auctionId === watched && bid.status === 200 && bid.server !== watcher.server(),
    );
    expect(elsewhere?.seq).toEqual(expect.any(Number));
    await watcher.next((f) => f.type === 'event' && (f.event as { seq: number }).seq === elsewhere?.seq);
    watcher.close();
  });
});
