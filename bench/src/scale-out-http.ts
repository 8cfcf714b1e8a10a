/**
 * The scale-out suite's HTTP curve: N example server processes (STORE=redis, `npm start`'s
 * command) behind HAProxy, as `examples/cluster` deploys them, each server in its own cgroup
 * with the suite's CPU quota; the raw HTTP client places bids through the balancer with the
 * same connections per server at every point. Each point gets a fresh redis-server of its own
 * (uncapped) and a fresh deployment; after it, every bid answered 200 must be in its auction's
 * ledger once.
 */

import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import type { BidJudging } from '@outcry/core';
import { createRedisAdapters, deleteMatching } from '@outcry/redis-adapter';
import { Redis } from 'ioredis';
import { hasHaproxy } from '../../examples/cluster/src/balancer.js';
import { Deployment } from '../../examples/cluster/src/deployment.js';
import { ownedPartitions } from '../../examples/cluster/src/owner-routes.js';
import { createLineLog } from '../../examples/cluster/src/processes.js';
import type { ServerProcess } from '../../examples/cluster/src/server-process.js';
import type { CpuCaps } from './cpu-caps.js';
import type { HttpLoadRequest, HttpLoadResult } from './http-load.js';
import { statusesOf } from './http-load.js';
import { meanBy } from './interleaved-curve.js';
import { type AcceptedBid, assertLedgersHold, checkLedgers, type LedgerCheck } from './ledger-check.js';
import { processCpuSeconds } from './process-cpu.js';
import { runRawHttpLoad } from './raw-http-load.js';
import { hasRedisServer, redisUsage, startRedisServers } from './redis-servers.js';

export interface HttpCurveOptions {
  /** `owner`: HAProxy sends each bid to the server owning its partition; `any`: round robin. */
  readonly routeBids: 'owner' | 'any';
  /** Where each server judges bids (its BID_JUDGING). */
  readonly bidJudging: BidJudging;
  readonly connectionsPerServer: number;
  readonly auctions: number;
  readonly durationMs: number;
  readonly caps: CpuCaps;
  readonly cores: number;
}

export interface HttpPoint {
  readonly servers: number;
  readonly connections: number;
  readonly bidsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** All servers' CPU over the window / bids answered, µs. */
  readonly serverCpuUsPerBid: number;
  readonly redisCpuUsPerBid: number;
  readonly balancerCpuUsPerBid: number;
  /** Of the commands the servers took in over the window, the share sent to another (queued or handed over directly). */
  readonly forwardedShare: number;
  readonly statuses: string;
  readonly ledger: LedgerCheck;
  /** The machine's 1-minute load average at the end of the window. */
  readonly loadAverage: number;
  /** Bids/s of each run, when the point is the mean of several. */
  readonly repeats?: readonly number[];
}

const USERS = 100;
/** CPU each server spends on bids before it is capped (the JIT's warm-up), s. */
const WARM_CPU_S = 1.5;
const SETTLE_S = 2;

/** Rising bids of `users` users over `auctionIds`, remembering which request is which bid. */
function bidStream(auctionIds: readonly string[], users: ReadonlyArray<{ id: string; token: string }>) {
  const bids = new WeakMap<HttpLoadRequest, AcceptedBid>();
  let n = 0;
  const setupRequest = (request: HttpLoadRequest): HttpLoadRequest => {
    n++;
    const auctionId = auctionIds[Math.floor(Math.random() * auctionIds.length)] as string;
    const user = users[n % users.length] as { id: string; token: string };
    const bidId = randomUUID();
    request.method = 'POST';
    request.path = `/auctions/${auctionId}/bids`;
    request.headers = { 'content-type': 'application/json', authorization: `Bearer ${user.token}` };
    // Amounts rise with time, so that most bids are accepted.
    request.body = JSON.stringify({ amount: 1_000 + Date.now() - 1.7e12 + n, bidId });
    // How the server keys a client's bidId in the ledger: `<length of userId>:<userId>:<bidId>`.
    bids.set(request, [auctionId, `${user.id.length}:${user.id}:${bidId}`]);
    return request;
  };
  return { setupRequest, bids };
}

async function post(url: string, path: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Commands the servers judged in their own process and sent to another, since start (their /metrics). */
async function intakeOf(servers: readonly ServerProcess[]): Promise<{ inMemory: number; forwarded: number }> {
  const texts = await Promise.all(
    servers.map(async (server) => (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text()),
  );
  const sum = (name: string) =>
    texts.reduce((total, text) => total + Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0), 0);
  return {
    inMemory: sum('outcry_commands_in_memory'),
    forwarded: sum('outcry_commands_queued') + sum('outcry_commands_direct'),
  };
}

/** One point: `servers` example servers behind HAProxy, a fresh redis-server and deployment. */
export async function measureHttpPoint(servers: number, options: HttpCurveOptions): Promise<HttpPoint> {
  const redisServers = await startRedisServers(1, { cluster: false });
  const node = redisServers.nodes[0] as (typeof redisServers.nodes)[number];
  const admin = new Redis(node.url);
  const prefix = `outcry-bench-scale-out-http:${options.routeBids}:${options.bidJudging}:${servers}:`;
  let deployment: Deployment | null = null;
  try {
    deployment = await Deployment.start({
      servers,
      spare: 0,
      bind: { host: '127.0.0.1', port: 0 },
      redis: { kind: 'url', url: node.url },
      env: {
        REDIS_PREFIX: prefix,
        RATE_BIDS_PER_SEC: '1000000',
        RATE_BIDS_BURST: '1000000',
        RATE_WRITES_PER_SEC: '1000000',
        RATE_WRITES_BURST: '1000000',
        LOG_LEVEL: 'warn',
        BID_JUDGING: options.bidJudging,
      },
      log: createLineLog(null),
      routeBids: options.routeBids,
      // In the bench's process group: a Ctrl-C on the bench stops the servers and HAProxy too.
      ownProcessGroups: false,
    });
    const url = deployment.url;
    const users: Array<{ id: string; token: string }> = [];
    for (let i = 0; i < USERS; i++) {
      const id = `bidder-${i}`;
      users.push({ id, token: (await post(url, '/session', { userId: id })).token as string });
    }
    const seller = (await post(url, '/session', { userId: 'seller' })).token as string;
    const auctionIds: string[] = [];
    for (let from = 0; from < options.auctions; from += 50) {
      const created = await Promise.all(
        Array.from({ length: Math.min(50, options.auctions - from) }, (_, i) =>
          post(
            url,
            '/auctions',
            {
              title: `Lot ${from + i}`,
              currency: 'USD',
              startingPrice: 1_000,
              increment: { type: 'fixed', amount: 1 },
              endsAt: Date.now() + 3_600_000,
            },
            seller,
          ),
        ),
      );
      for (const auction of created) auctionIds.push(auction.id as string);
    }

    const { setupRequest, bids } = bidStream(auctionIds, users);
    const accepted: AcceptedBid[] = [];
    let unanswered = 0;
    const connections = options.connectionsPerServer * servers;
    const load = async (seconds: number): Promise<HttpLoadResult> => {
      const result = await runRawHttpLoad({
        url,
        connections,
        durationS: seconds,
        setupRequest,
        onResponse: (request, status) => {
          const bid = bids.get(request);
          if (status === 200 && bid !== undefined) accepted.push(bid);
          else if (status !== 409) unanswered++;
        },
      });
      unanswered += result.errors + result.timeouts;
      return result;
    };
    const pids = deployment.servers.map((server) => server.pid);
    const serverCpu = () => pids.reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
    // Uncapped warm-up until every server has spent its share on bids (20 s at most).
    const warmStart = pids.map((pid) => processCpuSeconds(pid));
    for (let s = 0; s < 20; s++) {
      await load(1);
      if (pids.every((pid, i) => processCpuSeconds(pid) - (warmStart[i] ?? 0) >= WARM_CPU_S)) break;
    }
    for (const [i, pid] of pids.entries()) options.caps.cap(pid, `server-${i}`, options.cores);
    await load(SETTLE_S);
    const balancer = deployment.balancer.pid;
    const usage = async () => ({
      server: serverCpu(),
      redis: (await redisUsage(admin)).cpuSeconds,
      balancer: processCpuSeconds(balancer),
    });
    const before = await usage();
    const intakeBefore = await intakeOf(deployment.servers);
    const result = await load(options.durationMs / 1_000);
    const after = await usage();
    const intakeAfter = await intakeOf(deployment.servers);
    const loadAverage = loadavg()[0] ?? Number.NaN;
    const answered = Math.max(1, result.requests.total);

    // The servers' partition count: an auction's keys are under its partition.
    const { total: partitions } = await ownedPartitions(deployment.servers[0] as ServerProcess);
    const reader = createRedisAdapters({ redis: admin, prefix, partitions });
    const ledger = await checkLedgers(reader.store, auctionIds, accepted).finally(() => reader.close());
    assertLedgersHold(ledger, unanswered, `${servers} servers behind HAProxy`);
    return {
      servers,
      connections,
      bidsPerSecond: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      serverCpuUsPerBid: ((after.server - before.server) * 1e6) / answered,
      redisCpuUsPerBid: ((after.redis - before.redis) * 1e6) / answered,
      balancerCpuUsPerBid: ((after.balancer - before.balancer) * 1e6) / answered,
      forwardedShare:
        (intakeAfter.forwarded - intakeBefore.forwarded) /
        Math.max(1, intakeAfter.forwarded - intakeBefore.forwarded + intakeAfter.inMemory - intakeBefore.inMemory),
      statuses: statusesOf(result),
      ledger,
      loadAverage,
    };
  } finally {
    await deployment?.stop();
    await deleteMatching(admin, `${prefix}*`).catch(() => undefined);
    await admin.quit();
    await redisServers.stop();
  }
}

/** Why the HTTP curve cannot run here, or null when it can. */
export function httpCurveUnavailable(): string | null {
  if (!hasHaproxy()) return 'HAProxy is not installed (apt-get install haproxy)';
  if (!hasRedisServer()) return 'redis-server is not installed';
  return null;
}

/** Status counts of several runs added up, in `statusesOf`'s form (`200:5080 409:12`). */
function addedStatuses(points: readonly HttpPoint[]): string {
  const counts = new Map<string, number>();
  for (const { statuses } of points) {
    for (const part of statuses.split(' ').filter(Boolean)) {
      const [code = '', count = '0'] = part.split(':');
      counts.set(code, (counts.get(code) ?? 0) + Number(count));
    }
  }
  return [...counts].map(([code, count]) => `${code}:${count}`).join(' ');
}

/**
 * Several runs of the same point as one: rates, CPU per bid, shares and latencies are the means;
 * the ledger checks and the statuses are added up (each run checked its own ledgers).
 */
export function meanOfHttpPoints(points: readonly HttpPoint[]): HttpPoint {
  const [first] = points;
  if (first === undefined) throw new Error('meanOfHttpPoints needs at least one point');
  if (points.length === 1) return first;
  const added = (value: (ledger: LedgerCheck) => number) => points.reduce((sum, p) => sum + value(p.ledger), 0);
  return {
    ...first,
    bidsPerSecond: meanBy(points, (p) => p.bidsPerSecond),
    p50Ms: meanBy(points, (p) => p.p50Ms),
    p99Ms: meanBy(points, (p) => p.p99Ms),
    serverCpuUsPerBid: meanBy(points, (p) => p.serverCpuUsPerBid),
    redisCpuUsPerBid: meanBy(points, (p) => p.redisCpuUsPerBid),
    balancerCpuUsPerBid: meanBy(points, (p) => p.balancerCpuUsPerBid),
    forwardedShare: meanBy(points, (p) => p.forwardedShare),
    loadAverage: meanBy(points, (p) => p.loadAverage),
    statuses: addedStatuses(points),
    ledger: {
      ...first.ledger,
      accepted: added((l) => l.accepted),
      inLedgers: added((l) => l.inLedgers),
      missing: added((l) => l.missing),
      doubled: added((l) => l.doubled),
      unanswered: added((l) => l.unanswered),
    },
    repeats: points.map((p) => p.bidsPerSecond),
  };
}
