// A bidding process for the multi-process and fault tests: an AuctionHouse on Redis that, on
// "go" (stdin), bids on the given auctions for a while and prints every accepted bidId at once,
// so that the parent knows what was answered even if it kills this process.
//
// Environment: REDIS_URL, PREFIX, PARTITIONS, HOUSE_ID, AUCTIONS (comma separated, or given
// with "go <ids>"),
// DURATION_MS, MIN_ACCEPTED (bid on past the duration until this many were accepted, for at most
// 30 s more), CONCURRENCY, PAUSE_MS (each caller's pause between bids, 0: bounds the bids to
// check), LEASE_TTL_MS, ANSWER_TIMEOUT_MS, CLUSTER_NODES (host:port,... to use a Cluster).
import { createInterface } from 'node:readline';
import { createAuctionHouse } from '@outcry/core';
import { Cluster } from 'ioredis';
import { createRedisAdapters } from '../../src/index.js';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const partitions = Number(env('PARTITIONS', '16'));
const houseId = env('HOUSE_ID');
let auctions = (process.env.AUCTIONS ?? '').split(',').filter((id) => id !== '');
const durationMs = Number(env('DURATION_MS', '2000'));
const minAccepted = Number(env('MIN_ACCEPTED', '0'));
const concurrency = Number(env('CONCURRENCY', '20'));
const pauseMs = Number(env('PAUSE_MS', '0'));
const clusterNodes = process.env.CLUSTER_NODES;
const cluster =
  clusterNodes === undefined
    ? undefined
    : new Cluster(
        clusterNodes.split(',').map((node) => {
          const [host, port] = node.split(':');
          return { host: host as string, port: Number(port) };
        }),
      );
const adapters = createRedisAdapters({ redis: cluster ?? env('REDIS_URL'), prefix: env('PREFIX'), partitions });
const house = createAuctionHouse({
  backend: adapters,
  partitions,
  houseId,
  leaseTtlMs: Number(env('LEASE_TTL_MS', '10000')),
  answerTimeoutMs: Number(env('ANSWER_TIMEOUT_MS', '30000')),
  closeGraceMs: 300,
});
await house.start();

const say = (line: string) => process.stdout.write(`${line}\n`);
const counts = { accepted: 0, rejected: 0, failed: 0 };

async function bidFor(ms: number): Promise<void> {
  const until = Date.now() + ms;
  const latest = until + 30_000;
  let serial = 0;
  const more = () => Date.now() < until || (counts.accepted < minAccepted && Date.now() < latest);
  const worker = async (lane: number) => {
    while (more()) {
      const auctionId = auctions[(lane + serial) % auctions.length] as string;
      const bidId = `${houseId}-${++serial}`;
      // Amounts grow with time, so bids from every process compete and many are accepted.
      const amount = 1_000 + (Date.now() % 1_000_000) * 10 + Math.floor(Math.random() * 9);
      try {
        const outcome = await house.placeBid({ auctionId, bidderId: `${houseId}-bidder-${lane % 4}`, amount, bidId });
        if (outcome.status === 'accepted') {
          counts.accepted++;
          say(`accepted ${bidId} ${auctionId}`);
        } else counts.rejected++;
      } catch (error) {
        counts.failed++;
        say(`failed ${bidId} ${(error as Error).message}`);
      }
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, lane) => worker(lane)));
}

const lines = createInterface({ input: process.stdin });
say(`ready ${houseId} ${JSON.stringify(house.metrics().partitions.owned)}`);
for await (const line of lines) {
  if (line === 'go' || line.startsWith('go ')) {
    // "go <id>,<id>..." names the auctions when they were created after this process started.
    if (line.length > 3) auctions = line.slice(3).split(',');
    await bidFor(durationMs);
    const { partitions, queue } = house.metrics();
    say(`done ${JSON.stringify({ ...counts, owned: partitions.owned, direct: queue.direct })}`);
  } else if (line === 'stop') {
    break;
  }
}
await house.stop();
await adapters.close();
if (cluster !== undefined) await cluster.quit();
say('stopped');
process.exit(0);
