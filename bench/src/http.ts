import type { ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BenchMode, type BenchRow, createRow, type SuiteContext } from './bench-row.js';
import { loadExampleServer, openFloor } from './example-server.js';
import { forkScript } from './fork-script.js';
import { type HttpLoadRequest, type HttpLoadResult, httpClientName, runHttpLoad } from './http-load.js';
import { probeService, SERVICE_URLS } from './service-probe.js';

/**
 * HTTP bid placement under load: a closed-loop client on loopback (src/raw-http-load.ts) against the example server's
 * POST /auctions/:id/bids (in-memory house, real tokens, validation, rate limiter, metrics),
 * next to a bare Fastify POST route that parses the same JSON and answers a same-sized body,
 * both measured in the same run. Each server runs in a child process of its own so that the
 * load generator does not share its event loop. When Redis answers, the server on STORE=redis
 * with its rate limits in Redis (one EVALSHA per bid) next to the same with them in process:
 * what the shared limits cost a bid.
 *
 * Run alone: `npx tsx --conditions=@outcry/source bench/src/http.ts [--quick|--tiny] [--no-services]`.
 */

const SUITE = 'http';
const SERVER_FLAG = '--http-bench-server';

interface HttpBudget {
  readonly connections: number;
  /** Connections of the latency run: a load the servers keep up with, so p99 is service time, not queueing. */
  readonly latencyConnections: number;
  readonly durationS: number;
  readonly warmupS: number;
}

const BUDGETS: Record<BenchMode, HttpBudget> = {
  full: { connections: 100, latencyConnections: 10, durationS: 10, warmupS: 2 },
  quick: { connections: 100, latencyConnections: 10, durationS: 3, warmupS: 1 },
  tiny: { connections: 10, latencyConnections: 2, durationS: 1, warmupS: 0.5 },
};

const AUCTIONS = 1_000;
const USERS = 100;

// ---- the load generator ------------------------------------------------------------------

/** What a server child reports once it listens. */
interface Ready {
  readonly port: number;
  readonly auctionIds: readonly string[];
  readonly tokens: readonly string[];
}

/** The servers: bare Fastify, the server in memory, and on Redis with the limits in Redis or in process. */
type ServerKind = 'bare' | 'outcry' | 'outcry-redis-shared' | 'outcry-redis-process';

function startServer(kind: ServerKind, profileDir?: string): Promise<{ child: ChildProcess; ready: Ready }> {
  const child = forkScript(
    fileURLToPath(import.meta.url),
    [SERVER_FLAG, kind],
    profileDir === undefined ? {} : { cpuProfile: { dir: profileDir, name: `http-${kind}-server.cpuprofile` } },
  );
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, ready: message as Ready }));
    child.once('exit', (code) => reject(new Error(`${kind} server exited early (${code})`)));
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** Bids that keep rising on each auction, from rotating users: mostly accepted, like a live floor. */
function bidRequests(ready: Ready, path: (auctionId: string) => string) {
  // One counter for every run against this server: amounts keep rising from warm-up to the end.
  let n = 0;
  return (request: HttpLoadRequest): HttpLoadRequest => {
    n++;
    const auctionId = ready.auctionIds[n % ready.auctionIds.length] as string;
    const token = ready.tokens[n % ready.tokens.length] as string;
    request.method = 'POST';
    request.path = path(auctionId);
    request.headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    request.body = JSON.stringify({ amount: 1_000 + n * 10 });
    return request;
  };
}

interface LoadResult {
  readonly saturated: HttpLoadResult;
  readonly light: HttpLoadResult;
}

async function load(
  kind: 'bare' | 'outcry',
  budget: HttpBudget,
  log: (line: string) => void,
  profileDir?: string,
): Promise<LoadResult> {
  const { child, ready } = await startServer(kind, profileDir);
  try {
    const url = `http://127.0.0.1:${ready.port}`;
    const path = kind === 'bare' ? (id: string) => `/bare/${id}/bids` : (id: string) => `/auctions/${id}/bids`;
    const setupRequest = bidRequests(ready, path);
    await runHttpLoad({ url, connections: budget.connections, durationS: budget.warmupS, setupRequest });
    const saturated = await runHttpLoad({
      url,
      connections: budget.connections,
      durationS: budget.durationS,
      setupRequest,
    });
    const light = await runHttpLoad({
      url,
      connections: budget.latencyConnections,
      durationS: budget.durationS,
      setupRequest,
    });
    for (const [label, r] of [
      [`${budget.connections} conn`, saturated],
      [`${budget.latencyConnections} conn`, light],
    ] as const) {
      log(
        `${kind} ${label}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ` +
          `${r.requests.total} requests, non-2xx ${r.non2xx}, errors ${r.errors}`,
      );
    }
    return { saturated, light };
  } finally {
    await stopServer(child);
  }
}

/** One measured load of a Redis contender, with the CPU its server process and Redis used. */
interface CostedLoad {
  readonly result: HttpLoadResult;
  /** Server process CPU (user + sys) per answered request, µs. */
  readonly nodeCpuUs: number;
  /** Redis CPU (INFO cpu) per answered request, µs: everything Redis ran meanwhile, other users too. */
  readonly redisCpuUs: number;
}

/** The CPU a server child has used so far, µs (it answers a `cpu` message). */
function childCpuUs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve((message as { cpuUs: number }).cpuUs));
    child.send('cpu');
  });
}

/** CPU seconds the Redis server has used so far (INFO cpu: user + sys). */
async function redisCpuSeconds(redis: { info(section: string): Promise<string> }): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** Two runs of one contender: mean throughput, the worse p50/p99, mean CPU per request. */
function meanOf(a: CostedLoad, b: CostedLoad) {
  return {
    reqPerS: (a.result.requests.average + b.result.requests.average) / 2,
    p50Ms: Math.max(a.result.latency.p50, b.result.latency.p50),
    p99Ms: Math.max(a.result.latency.p99, b.result.latency.p99),
    non2xx: a.result.non2xx + b.result.non2xx,
    nodeCpuUs: (a.nodeCpuUs + b.nodeCpuUs) / 2,
    redisCpuUs: (a.redisCpuUs + b.redisCpuUs) / 2,
  };
}

/**
 * STORE=redis with the rate limits in Redis against the same with them in process, at
 * `connections`. Both servers run at once and take turns (shared, process, process, shared), so
 * that a drift of the shared machine's load falls on both alike.
 */
async function loadRedisLimits(budget: HttpBudget, connections: number, log: (line: string) => void) {
  const { Redis } = await import('ioredis');
  const redis = new Redis(SERVICE_URLS.redis);
  const servers = await Promise.all(
    (['outcry-redis-shared', 'outcry-redis-process'] as const).map((kind) => startServer(kind)),
  );
  try {
    const [shared, perProcess] = servers.map(({ child, ready }) => {
      const url = `http://127.0.0.1:${ready.port}`;
      const setupRequest = bidRequests(ready, (id) => `/auctions/${id}/bids`);
      return async (durationS: number): Promise<CostedLoad> => {
        const [nodeBefore, redisBefore] = [await childCpuUs(child), await redisCpuSeconds(redis)];
        const result = await runHttpLoad({ url, connections, durationS, setupRequest });
        const [nodeAfter, redisAfter] = [await childCpuUs(child), await redisCpuSeconds(redis)];
        const answered = Math.max(1, result.requests.total);
        return {
          result,
          nodeCpuUs: (nodeAfter - nodeBefore) / answered,
          redisCpuUs: ((redisAfter - redisBefore) * 1e6) / answered,
        };
      };
    }) as [(durationS: number) => Promise<CostedLoad>, (durationS: number) => Promise<CostedLoad>];
    await shared(budget.warmupS);
    await perProcess(budget.warmupS);
    const shared1 = await shared(budget.durationS);
    const process1 = await perProcess(budget.durationS);
    const process2 = await perProcess(budget.durationS);
    const shared2 = await shared(budget.durationS);
    const result = { shared: meanOf(shared1, shared2), perProcess: meanOf(process1, process2) };
    for (const [label, r] of [
      ['limits in Redis', result.shared],
      ['limits in process', result.perProcess],
    ] as const) {
      log(
        `STORE=redis, ${label}, ${connections} conn: ${r.reqPerS.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, ` +
          `server CPU ${r.nodeCpuUs.toFixed(1)} µs/req, Redis CPU ${r.redisCpuUs.toFixed(1)} µs/req, non-2xx ${r.non2xx}`,
      );
    }
    return result;
  } finally {
    redis.disconnect();
    await Promise.all(servers.map(({ child }) => stopServer(child)));
  }
}

/**
 * The suite: the server's bid route against the bare route. Throughput at 100 connections (both
 * saturated: latency there is queueing, by Little's law connections / throughput), and p99 at
 * 10 connections, a load both keep up with.
 */
export async function runHttpSuite(context: SuiteContext, options: { redis: boolean }): Promise<BenchRow[]> {
  const budget = BUDGETS[context.mode];
  // The servers run in child processes: --cpu-profile profiles both with node --cpu-prof.
  const profileDir =
    context.profile === undefined ? undefined : fileURLToPath(new URL('../results/profiles', import.meta.url));
  const bare = await load('bare', budget, context.log, profileDir);
  const outcry = await load('outcry', budget, context.log, profileDir);
  const redisLimits = options.redis
    ? {
        saturated: await loadRedisLimits(budget, budget.connections, context.log),
        light: await loadRedisLimits(budget, budget.latencyConnections, context.log),
      }
    : null;
  const client = httpClientName() === 'raw' ? 'raw-socket HTTP client' : 'autocannon';
  const notes = `${client} on loopback, client and server on the same cores; ${AUCTIONS} auctions, ${USERS} users, rising bids`;
  return [
    createRow({
      suite: SUITE,
      name: `HTTP bid placement, ${budget.connections} connections`,
      figure: outcry.saturated.requests.average,
      unit: 'req/s',
      baseline: 'bare Fastify POST, same JSON',
      baselineFigure: bare.saturated.requests.average,
      better: 'higher',
      notes: `${budget.durationS} s; ${notes}`,
      details: {
        outcryNon2xx: outcry.saturated.non2xx,
        outcryErrors: outcry.saturated.errors,
        bareNon2xx: bare.saturated.non2xx,
        outcryP50Ms: outcry.saturated.latency.p50,
        outcryP99Ms: outcry.saturated.latency.p99,
        bareP50Ms: bare.saturated.latency.p50,
        bareP99Ms: bare.saturated.latency.p99,
      },
    }),
    createRow({
      suite: SUITE,
      name: `HTTP bid p99 latency, ${budget.latencyConnections} connections`,
      figure: outcry.light.latency.p99,
      unit: 'ms',
      baseline: 'bare Fastify POST p99',
      baselineFigure: bare.light.latency.p99,
      better: 'lower',
      notes: `${budget.durationS} s; ${notes}`,
      details: {
        outcryReqPerS: outcry.light.requests.average,
        bareReqPerS: bare.light.requests.average,
        outcryP50Ms: outcry.light.latency.p50,
        bareP50Ms: bare.light.latency.p50,
        outcryNon2xx: outcry.light.non2xx,
      },
    }),
    ...(redisLimits === null ? [] : redisLimitRows(redisLimits, budget, notes)),
  ];
}

/** The rows of the rate limits in Redis against in process, both on STORE=redis. */
function redisLimitRows(
  limits: {
    saturated: Awaited<ReturnType<typeof loadRedisLimits>>;
    light: Awaited<ReturnType<typeof loadRedisLimits>>;
  },
  budget: HttpBudget,
  notes: string,
): BenchRow[] {
  const baseline = 'the same, limits in process (RATE_LIMIT_STORE=process)';
  const how = `STORE=redis; 2 x ${budget.durationS} s each, taking turns; one EVALSHA per bid on the store's client; ${notes}`;
  const { saturated, light } = limits;
  const cpu = (of: typeof saturated) => ({
    serverCpuUsPerBid: of.shared.nodeCpuUs,
    baselineServerCpuUsPerBid: of.perProcess.nodeCpuUs,
    redisCpuUsPerBid: of.shared.redisCpuUs,
    baselineRedisCpuUsPerBid: of.perProcess.redisCpuUs,
    non2xx: of.shared.non2xx + of.perProcess.non2xx,
  });
  return [
    createRow({
      suite: SUITE,
      name: `HTTP bids with rate limits in Redis, ${budget.connections} connections`,
      figure: saturated.shared.reqPerS,
      unit: 'req/s',
      baseline,
      baselineFigure: saturated.perProcess.reqPerS,
      better: 'higher',
      notes: how,
      details: { ...cpu(saturated), p99Ms: saturated.shared.p99Ms, baselineP99Ms: saturated.perProcess.p99Ms },
    }),
    createRow({
      suite: SUITE,
      name: `HTTP bid p50 latency with rate limits in Redis, ${budget.latencyConnections} connections`,
      figure: light.shared.p50Ms,
      unit: 'ms',
      baseline,
      baselineFigure: light.perProcess.p50Ms,
      better: 'lower',
      notes: `${how}; the worse p50 of the two runs`,
      details: {
        ...cpu(light),
        reqPerS: light.shared.reqPerS,
        baselineReqPerS: light.perProcess.reqPerS,
        p99Ms: light.shared.p99Ms,
        baselineP99Ms: light.perProcess.p99Ms,
      },
    }),
  ];
}

// ---- the servers (child processes) ------------------------------------------------------

async function serveOutcry(kind: ServerKind): Promise<{ ready: Ready; close: () => Promise<void> }> {
  const { buildApp, testConfig } = await loadExampleServer();
  const prefix = `bench_http_${process.pid}:`;
  const onRedis =
    kind === 'outcry'
      ? {}
      : {
          store: 'redis',
          redisUrl: SERVICE_URLS.redis,
          redisPrefix: prefix,
          rateLimitStore: kind === 'outcry-redis-shared' ? 'shared' : 'process',
        };
  // Rate limits far above the load: the bench measures the bid path, not the 429s.
  const config = testConfig({ logLevel: 'silent', demo: false, bidRate: { perSecond: 1e9, burst: 1e9 }, ...onRedis });
  const app = await buildApp(config, { logger: false, websocket: true });
  const floor = await openFloor(app, {
    users: USERS,
    userPrefix: 'bench-',
    auctions: AUCTIONS,
    startingPrice: 100,
    increment: 1,
  });
  const close = async () => {
    await app.close();
    if (kind === 'outcry') return;
    const [{ Redis }, { deleteMatching }] = await Promise.all([import('ioredis'), import('@outcry/redis-adapter')]);
    const redis = new Redis(SERVICE_URLS.redis);
    await deleteMatching(redis, `${prefix}*`).finally(() => redis.disconnect());
  };
  return { ready: floor, close };
}

async function serveBare(): Promise<{ ready: Ready; close: () => Promise<void> }> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  let seq = 0;
  app.post('/bare/:id/bids', async (request) => {
    const body = request.body as { amount?: unknown };
    const auctionId = (request.params as { id: string }).id;
    // The same answer size as an accepted outcome.
    return {
      status: 'accepted',
      bidId: 'bench-0:00000000-0000-0000-0000-000000000000',
      auctionId,
      seq: ++seq,
      price: body.amount,
      leaderId: 'bench-0',
      leading: true,
      endsAt: Date.now() + 3_600_000,
      minimumBid: (body.amount as number) + 1,
    };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const ids = Array.from({ length: AUCTIONS }, (_, i) => `lot-${i}`);
  const tokens = Array.from({ length: USERS }, (_, i) => `token-${i}`);
  return { ready: { port, auctionIds: ids, tokens }, close: () => app.close() };
}

async function serveChild(kind: string): Promise<void> {
  const { ready, close } = kind === 'bare' ? await serveBare() : await serveOutcry(kind as ServerKind);
  process.on('SIGTERM', () => {
    void close().finally(() => process.exit(0));
  });
  // The parent measures this process's CPU around each load.
  process.on('message', (message) => {
    if (message !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuUs: user + system });
  });
  process.send?.(ready);
}

// ---- entry points --------------------------------------------------------------------------

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv[2] === SERVER_FLAG) {
  await serveChild(process.argv[3] ?? 'bare');
} else if (isMain) {
  const mode: BenchMode = process.argv.includes('--tiny')
    ? 'tiny'
    : process.argv.includes('--quick')
      ? 'quick'
      : 'full';
  const redis = !process.argv.includes('--no-services') && (await probeService('redis'));
  const rows = await runHttpSuite({ mode, log: (line) => console.log(`[http] ${line}`) }, { redis });
  for (const row of rows) {
    console.log(
      `${row.name}: ${row.figure.toFixed(row.unit === 'ms' ? 2 : 0)} ${row.unit} vs ${row.baseline} ${row.baselineFigure.toFixed(row.unit === 'ms' ? 2 : 0)} ${row.unit} = ${row.ratio.toFixed(2)}x`,
    );
  }
}
