/**
 * End to end: the whole Outcry server against "what users build instead", a small and faithful
 * model of the usual Node architecture for bids, both placing the same bids under the same
 * HTTP load on loopback (src/raw-http-load.ts), in the same run.
 *
 * What users build instead (5 processes besides Redis and PostgreSQL):
 *   HTTP intake (Fastify, POST /auctions/:id/bids, the user in an `x-user-id` header)
 *   -> BullMQ queue -> 3 BullMQ workers, one per child process, concurrency 1 each
 *   -> redlock lock per auction -> one PostgreSQL transaction per bid
 *      (SELECT … FOR UPDATE on the auction row, INSERT the bid, UPDATE price and leader,
 *      with the proxy rule of `proxy-bid-rule.ts`)
 *   -> Redis PUBLISH of the result; the intake waits for the job's result (QueueEvents) and answers.
 *
 * Outcry: examples/server `buildApp` with STORE=hybrid (the durable PostgreSQL ledger, queue,
 * lock, broadcaster and cache on Redis: the same two services as the baseline), DEMO off, real
 * tokens, validation, rate limiter (set above the load), metrics and the WebSocket gateway
 * attached, in one child process.
 *
 * Each run uses a fresh PostgreSQL schema and Redis key prefix and removes them at the end.
 *
 * Run alone: `npx tsx --conditions=@outcry/source src/users-build-instead.ts [--quick|--tiny]` from bench/.
 */
import { randomUUID } from 'node:crypto';
import { register } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deleteMatching } from '@outcry/redis-adapter';
import { Redis } from 'ioredis';
import pg from 'pg';
import { type BenchMode, type BenchRow, createRow, type SuiteContext } from './bench-row.js';
import { loadExampleServer, openFloor } from './example-server.js';
import { boundChildLifetime, forkScript, nextMessage, stopChild } from './fork-script.js';
import {
  describeHttpLoad,
  type HttpLoadRequest,
  type HttpLoadResult,
  httpClientName,
  runHttpLoad,
  statusesOf,
} from './http-load.js';
import { judgeProxyBid } from './proxy-bid-rule.js';

const SUITE = 'users-build-instead';
const ROLE_FLAG = '--users-build-instead-role';
const WORKERS = 3;
const AUCTIONS = 100;
const USERS = 100;
const STARTING_PRICE = 1_000;
const INCREMENT = 1;
/** No child process of this suite lives longer than this, whatever happens to the bench. */
const CHILD_LIFETIME_MS = 300_000;

interface Budget {
  readonly connections: number;
  readonly durationS: number;
  readonly warmupS: number;
}

const BUDGETS: Record<BenchMode, Budget> = {
  full: { connections: 100, durationS: 10, warmupS: 2 },
  quick: { connections: 100, durationS: 4, warmupS: 1 },
  tiny: { connections: 10, durationS: 1, warmupS: 0.5 },
};

/** Where one run keeps its data; every name is fresh per run. */
interface RunPlace {
  readonly redisUrl: string;
  readonly databaseUrl: string;
  /** Redis prefix of both contenders (BullMQ keys, locks, channels; Outcry keys under `outcry:`). */
  readonly prefix: string;
  /** PostgreSQL schema of the baseline's tables. */
  readonly baselineSchema: string;
  /** PostgreSQL schema of the Outcry server. */
  readonly outcrySchema: string;
}

/** What a server child reports once it listens. */
interface Ready {
  readonly kind: 'ready';
  readonly port: number;
  readonly auctionIds: readonly string[];
  /** Outcry: bearer tokens; baseline: user ids for the x-user-id header. */
  readonly users: readonly string[];
}

const isReady = (message: unknown): message is Ready => (message as Ready | null)?.kind === 'ready';

/** One contender's figures under the load. */
export interface ContenderFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** Answers by status code ("200:9120 409:41"). */
  readonly statuses: string;
}

/** The raw comparison, for callers that want more than the rows. */
export interface UsersBuildInsteadResult {
  readonly outcry: ContenderFigures;
  readonly baseline: ContenderFigures;
  readonly connections: number;
  readonly durationS: number;
  /** Rows the baseline committed (its bids table), a check that its answers were real. */
  readonly baselineBidRows: number;
}

// ---- the load ------------------------------------------------------------------------------

/**
 * The same bid sequence for both: request n bids on auction n mod AUCTIONS as user
 * floor(n / AUCTIONS) mod USERS, with an amount that keeps rising, like a busy floor; almost every bid is accepted (proxy bids
 * below the leader's maximum are accepted too, and raise the price).
 */
function bidSequence(ready: Ready, authorize: (user: string) => Record<string, string>) {
  let n = 0;
  return (request: HttpLoadRequest): HttpLoadRequest => {
    n++;
    request.method = 'POST';
    request.path = `/auctions/${ready.auctionIds[n % ready.auctionIds.length]}/bids`;
    request.headers = {
      'content-type': 'application/json',
      // A different bidder at each round over the auctions: bids outbid one another.
      ...authorize(ready.users[Math.floor(n / ready.auctionIds.length) % ready.users.length] as string),
    };
    request.body = JSON.stringify({ amount: STARTING_PRICE + n * 10 });
    return request;
  };
}

async function load(
  url: string,
  budget: Budget,
  setupRequest: (request: HttpLoadRequest) => HttpLoadRequest,
): Promise<HttpLoadResult> {
  await runHttpLoad({ url, connections: budget.connections, durationS: budget.warmupS, setupRequest });
  return runHttpLoad({ url, connections: budget.connections, durationS: budget.durationS, setupRequest });
}

const figuresOf = (r: HttpLoadResult): ContenderFigures => ({
  requestsPerSecond: r.requests.average,
  p50Ms: r.latency.p50,
  p99Ms: r.latency.p99,
  requests: r.requests.total,
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  statuses: statusesOf(r),
});

function childEnv(place: RunPlace): Record<string, string> {
  return {
    BENCH_REDIS_URL: place.redisUrl,
    BENCH_DATABASE_URL: place.databaseUrl,
    BENCH_PREFIX: place.prefix,
    BENCH_BASELINE_SCHEMA: place.baselineSchema,
    BENCH_OUTCRY_SCHEMA: place.outcrySchema,
  };
}

const FILE = fileURLToPath(import.meta.url);

/** The baseline: 3 worker processes and the intake process, loaded, then stopped. */
async function measureBaseline(
  place: RunPlace,
  budget: Budget,
  log: (line: string) => void,
  profileDir: string | undefined,
): Promise<{ figures: ContenderFigures; bidRows: number }> {
  const admin = new pg.Client({ connectionString: place.databaseUrl });
  await admin.connect();
  const s = `"${place.baselineSchema}"`;
  const children = [];
  try {
    await admin.query(`create schema ${s}`);
    await admin.query(`
      create table ${s}.auctions (id text primary key, price bigint not null, leader_id text,
        leader_max bigint not null default 0, runner_up_max bigint, bid_count integer not null default 0,
        updated_at timestamptz not null default now());
      create table ${s}.bids (id uuid primary key, auction_id text not null references ${s}.auctions (id),
        bidder_id text not null, amount bigint not null, accepted boolean not null, price bigint not null,
        created_at timestamptz not null default now());
      create index on ${s}.bids (auction_id, created_at);`);
    const auctionIds = Array.from({ length: AUCTIONS }, (_, i) => `lot-${i}`);
    await admin.query(`insert into ${s}.auctions (id, price) select unnest($1::text[]), $2`, [
      auctionIds,
      STARTING_PRICE,
    ]);
    const env = childEnv(place);
    for (let i = 0; i < WORKERS; i++) {
      // One worker and the intake are profiled: the workers are alike.
      const cpuProfile = i === 0 ? profileOf(profileDir, 'baseline-worker') : undefined;
      children.push(forkScript(FILE, [ROLE_FLAG, 'worker'], cpuProfile === undefined ? { env } : { env, cpuProfile }));
    }
    await Promise.all(children.map((child, i) => nextMessage(child, isReady, 60_000, `baseline worker ${i}`)));
    const intakeProfile = profileOf(profileDir, 'baseline-intake');
    const intake = forkScript(
      FILE,
      [ROLE_FLAG, 'intake'],
      intakeProfile === undefined ? { env } : { env, cpuProfile: intakeProfile },
    );
    children.push(intake);
    const ready = await nextMessage(intake, isReady, 60_000, 'baseline intake');
    log(`what users build instead: intake on :${ready.port}, ${WORKERS} worker processes, ${AUCTIONS} auctions`);
    const result = await load(
      `http://127.0.0.1:${ready.port}`,
      budget,
      bidSequence({ ...ready, auctionIds }, (user) => ({ 'x-user-id': user })),
    );
    log(`what users build instead: ${describeHttpLoad(result)}`);
    const { rows } = await admin.query<{ n: string }>(`select count(*) as n from ${s}.bids`);
    return { figures: figuresOf(result), bidRows: Number(rows[0]?.n ?? 0) };
  } finally {
    await Promise.all(children.map((child) => stopChild(child)));
    await admin.query(`drop schema if exists ${s} cascade`).catch(() => undefined);
    await admin.end();
  }
}

/** The Outcry server in one child process, loaded, then stopped. */
async function measureOutcry(
  place: RunPlace,
  budget: Budget,
  log: (line: string) => void,
  profileDir: string | undefined,
): Promise<ContenderFigures> {
  const cpuProfile = profileOf(profileDir, 'outcry-server');
  const env = childEnv(place);
  const child = forkScript(FILE, [ROLE_FLAG, 'outcry'], cpuProfile === undefined ? { env } : { env, cpuProfile });
  try {
    const ready = await nextMessage(child, isReady, 120_000, 'Outcry server');
    log(`Outcry server (STORE=hybrid) on :${ready.port}, ${AUCTIONS} auctions`);
    const result = await load(
      `http://127.0.0.1:${ready.port}`,
      budget,
      bidSequence(ready, (token) => ({ authorization: `Bearer ${token}` })),
    );
    log(`Outcry: ${describeHttpLoad(result)}`);
    return figuresOf(result);
  } finally {
    await stopChild(child);
    const admin = new pg.Client({ connectionString: place.databaseUrl });
    await admin.connect();
    await admin.query(`drop schema if exists "${place.outcrySchema}" cascade`).catch(() => undefined);
    await admin.end();
  }
}

/** `<dir>/users-build-instead-<label>.cpuprofile`, or nothing when the run is not profiled. */
function profileOf(dir: string | undefined, label: string) {
  return dir === undefined ? undefined : { dir, name: `${SUITE}-${label}.cpuprofile` };
}

/**
 * Both contenders, one after the other, under the same load; cleans up its schemas and keys.
 * With `profileDir`, the Outcry server, the intake and one worker write CPU profiles there.
 */
export async function measureUsersBuildInstead(
  mode: BenchMode,
  log: (line: string) => void,
  profileDir?: string,
): Promise<UsersBuildInsteadResult> {
  const budget = BUDGETS[mode];
  const tag = `${process.pid}_${Math.random().toString(36).slice(2, 7)}`;
  const place: RunPlace = {
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    prefix: `outcry-bench-ubi:${tag}:`,
    baselineSchema: `bench_ubi_${tag}_users`,
    outcrySchema: `bench_ubi_${tag}_outcry`,
  };
  log(
    `${budget.connections} connections, ${budget.durationS} s each (after ${budget.warmupS} s warm-up), schema bench_ubi_${tag}_*, prefix ${place.prefix}`,
  );
  const redis = new Redis(place.redisUrl);
  try {
    const baseline = await measureBaseline(place, budget, log, profileDir);
    const outcry = await measureOutcry(place, budget, log, profileDir);
    return {
      outcry,
      baseline: baseline.figures,
      connections: budget.connections,
      durationS: budget.durationS,
      baselineBidRows: baseline.bidRows,
    };
  } finally {
    await deleteMatching(redis, `${place.prefix}*`).catch(() => undefined);
    await redis.quit();
  }
}

/** The suite: throughput, p50 and p99 of the whole server against what users build instead. */
export async function runUsersBuildInsteadSuite(context: SuiteContext): Promise<BenchRow[]> {
  // The contenders run in child processes: --cpu-profile profiles them with node --cpu-prof.
  const profileDir =
    context.profile === undefined ? undefined : fileURLToPath(new URL('../results/profiles', import.meta.url));
  const r = await measureUsersBuildInstead(context.mode, context.log, profileDir);
  const baselineName = `what users build instead: Fastify -> BullMQ -> ${WORKERS} workers -> redlock -> one Postgres tx per bid -> PUBLISH`;
  const load = `${r.connections} connections, ${r.durationS} s, ${httpClientName() === 'raw' ? 'raw-socket HTTP client' : 'autocannon'} on loopback, same bids (${AUCTIONS} auctions, ${USERS} users, rising amounts)`;
  const details = {
    connections: r.connections,
    durationS: r.durationS,
    store: 'hybrid',
    outcryRequests: r.outcry.requests,
    outcryNon2xx: r.outcry.non2xx,
    outcryStatuses: r.outcry.statuses,
    baselineStatuses: r.baseline.statuses,
    outcryErrors: r.outcry.errors + r.outcry.timeouts,
    outcryP50Ms: r.outcry.p50Ms,
    outcryP99Ms: r.outcry.p99Ms,
    baselineRequests: r.baseline.requests,
    baselineNon2xx: r.baseline.non2xx,
    baselineErrors: r.baseline.errors + r.baseline.timeouts,
    baselineP50Ms: r.baseline.p50Ms,
    baselineP99Ms: r.baseline.p99Ms,
    baselineBidRows: r.baselineBidRows,
  };
  const outcryName = 'Outcry server (STORE=hybrid) vs what users build instead';
  return [
    createRow({
      suite: SUITE,
      name: `${outcryName}: throughput`,
      figure: r.outcry.requestsPerSecond,
      unit: 'bids/s',
      baseline: baselineName,
      baselineFigure: r.baseline.requestsPerSecond,
      better: 'higher',
      notes: `target >= 10x (aim 30x) at a lower p99; ${load}; answers by status ${r.outcry.statuses} vs ${r.baseline.statuses}`,
      details,
    }),
    createRow({
      suite: SUITE,
      name: `${outcryName}: p50 latency`,
      figure: r.outcry.p50Ms,
      unit: 'ms',
      baseline: `${baselineName}, p50`,
      baselineFigure: r.baseline.p50Ms,
      better: 'lower',
      notes: `same run as the row above; at saturation latency is mostly queueing (connections / throughput)`,
      details,
    }),
    createRow({
      suite: SUITE,
      name: `${outcryName}: p99 latency`,
      figure: r.outcry.p99Ms,
      unit: 'ms',
      baseline: `${baselineName}, p99`,
      baselineFigure: r.baseline.p99Ms,
      better: 'lower',
      notes: 'target: lower than the baseline (ratio < 1); same run as the rows above',
      details,
    }),
  ];
}

// ---- the child processes ------------------------------------------------------------------

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const QUEUE = 'bids';
const bullPrefix = () => `${env('BENCH_PREFIX')}bull`;

/** A result the way the baseline answers and publishes it. */
interface BaselineOutcome {
  readonly status: 'accepted' | 'rejected';
  readonly bidId: string;
  readonly auctionId: string;
  readonly price: number;
  readonly leaderId: string | null;
  readonly leading: boolean;
  readonly minimumBid: number;
}

interface BidJob {
  readonly bidId: string;
  readonly auctionId: string;
  readonly bidderId: string;
  readonly amount: number;
}

/** The intake: validate, enqueue, wait for the worker's result, answer. */
async function serveIntake(): Promise<void> {
  const [{ default: Fastify }, { Queue, QueueEvents }] = await Promise.all([import('fastify'), import('bullmq')]);
  const url = env('BENCH_REDIS_URL');
  const queue = new Queue<BidJob, BaselineOutcome>(QUEUE, { connection: new Redis(url), prefix: bullPrefix() });
  const events = new QueueEvents(QUEUE, {
    connection: new Redis(url, { maxRetriesPerRequest: null }),
    prefix: bullPrefix(),
  });
  await events.waitUntilReady();
  // Every request waiting for its job adds listeners: one per connection of the load.
  events.setMaxListeners(0);
  queue.setMaxListeners(0);
  const app = Fastify({ logger: false });
  app.post(
    '/auctions/:id/bids',
    {
      schema: {
        body: {
          type: 'object',
          required: ['amount'],
          properties: { amount: { type: 'integer', minimum: 1 } },
        },
      },
    },
    async (request, reply) => {
      const userId = request.headers['x-user-id'];
      if (typeof userId !== 'string' || userId === '') return reply.code(401).send({ error: 'x-user-id required' });
      const { id: auctionId } = request.params as { id: string };
      const { amount } = request.body as { amount: number };
      const bidId = randomUUID();
      const job = await queue.add(
        'bid',
        { bidId, auctionId, bidderId: userId, amount },
        { jobId: bidId, removeOnComplete: { count: 5_000 }, removeOnFail: { count: 5_000 } },
      );
      const outcome = await job.waitUntilFinished(events, 30_000);
      return reply.code(outcome.status === 'accepted' ? 200 : 409).send(outcome);
    },
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  process.on('SIGTERM', () => {
    void (async () => {
      await app.close();
      await events.close();
      await queue.close();
    })().finally(() => process.exit(0));
  });
  const ready: Ready = { kind: 'ready', port, auctionIds: [], users: Array.from({ length: USERS }, (_, i) => `u${i}`) };
  process.send?.(ready);
}

/**
 * redlock 5 beta declares its types outside its `exports` map, where NodeNext resolution does not
 * look: import it by a non-literal specifier and take the types from the file itself.
 */
function importRedlock(): Promise<typeof import('../../node_modules/redlock/dist/index.js')> {
  const specifier: string = 'redlock';
  return import(specifier);
}

/** One worker: per job, lock the auction (redlock), judge in one transaction, publish, unlock. */
async function runWorker(): Promise<void> {
  const [{ Worker }, { default: Redlock }] = await Promise.all([import('bullmq'), importRedlock()]);
  const url = env('BENCH_REDIS_URL');
  const prefix = env('BENCH_PREFIX');
  const s = `"${env('BENCH_BASELINE_SCHEMA')}"`;
  const redis = new Redis(url);
  // Settings a team would pick for short critical sections: retry fast rather than every 200 ms.
  const redlock = new Redlock([redis], { retryCount: 200, retryDelay: 5, retryJitter: 5 });
  const pool = new pg.Pool({ connectionString: env('BENCH_DATABASE_URL'), max: 1 });
  pool.on('error', () => undefined);

  const judge = async (job: BidJob): Promise<BaselineOutcome> => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{
        price: string;
        leader_id: string | null;
        leader_max: string;
        runner_up_max: string | null;
      }>({
        name: 'lock-auction',
        text: `select price, leader_id, leader_max, runner_up_max from ${s}.auctions where id = $1 for update`,
        values: [job.auctionId],
      });
      const row = rows[0];
      if (row === undefined) throw new Error(`no auction ${job.auctionId}`);
      const verdict = judgeProxyBid(
        {
          price: Number(row.price),
          leaderId: row.leader_id,
          leaderMax: Number(row.leader_max),
          runnerUpMax: row.runner_up_max === null ? null : Number(row.runner_up_max),
        },
        job.bidderId,
        job.amount,
        INCREMENT,
      );
      await client.query({
        name: 'insert-bid',
        text: `insert into ${s}.bids (id, auction_id, bidder_id, amount, accepted, price) values ($1, $2, $3, $4, $5, $6)`,
        values: [job.bidId, job.auctionId, job.bidderId, job.amount, verdict.accepted, verdict.price],
      });
      if (verdict.accepted) {
        await client.query({
          name: 'update-auction',
          text: `update ${s}.auctions set price = $2, leader_id = $3, leader_max = $4, runner_up_max = $5, bid_count = bid_count + 1, updated_at = now() where id = $1`,
          values: [job.auctionId, verdict.price, verdict.leaderId, verdict.leaderMax, verdict.runnerUpMax],
        });
      }
      await client.query('commit');
      return {
        status: verdict.accepted ? 'accepted' : 'rejected',
        bidId: job.bidId,
        auctionId: job.auctionId,
        price: verdict.price,
        leaderId: verdict.leaderId,
        leading: verdict.leaderId === job.bidderId,
        minimumBid: verdict.minimumBid,
      };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };

  const worker = new Worker<BidJob, BaselineOutcome>(
    QUEUE,
    async (job) => {
      const lock = await redlock.acquire([`${prefix}lock:auction:${job.data.auctionId}`], 5_000);
      try {
        const outcome = await judge(job.data);
        // Published while the lock is held, so that subscribers see one auction's results in order.
        await redis.publish(`${prefix}auction:${job.data.auctionId}`, JSON.stringify(outcome));
        return outcome;
      } finally {
        await lock.release().catch(() => undefined);
      }
    },
    {
      connection: new Redis(url, { maxRetriesPerRequest: null }),
      prefix: bullPrefix(),
      concurrency: 1,
    },
  );
  await worker.waitUntilReady();
  process.on('SIGTERM', () => {
    void (async () => {
      await worker.close();
      await pool.end();
      await redis.quit();
    })().finally(() => process.exit(0));
  });
  const ready: Ready = { kind: 'ready', port: 0, auctionIds: [], users: [] };
  process.send?.(ready);
}

/** The example server's modules, loaded by URL so that bench's type-check does not take in its tree. */
/** The whole Outcry server, STORE=hybrid, with its users' tokens and the auctions made through the API. */
async function serveOutcry(): Promise<void> {
  // Run from source, the PostgreSQL adapter imports its migrations as .sql text.
  register('../../packages/postgres-adapter/loader/sql-text-hooks.mjs', import.meta.url);
  const { buildApp, testConfig } = await loadExampleServer();
  const config = testConfig({
    store: 'hybrid',
    redisUrl: env('BENCH_REDIS_URL'),
    databaseUrl: env('BENCH_DATABASE_URL'),
    redisPrefix: `${env('BENCH_PREFIX')}outcry:`,
    pgSchema: env('BENCH_OUTCRY_SCHEMA'),
    // The server's default (16) unless the run asks otherwise (a sensitivity check, not the headline).
    ...(process.env.BENCH_OUTCRY_PARTITIONS === undefined
      ? {}
      : { partitions: Number(process.env.BENCH_OUTCRY_PARTITIONS) }),
    logLevel: 'silent',
    demo: false,
    // Rate limits far above the load: the bench measures the bid path, not the 429s.
    bidRate: { perSecond: 1e9, burst: 1e9 },
    writeRate: { perSecond: 1e9, burst: 1e9 },
  });
  const app = await buildApp(config, { logger: false, websocket: true });
  const { port, tokens, auctionIds } = await openFloor(app, {
    users: USERS,
    userPrefix: 'u',
    auctions: AUCTIONS,
    startingPrice: STARTING_PRICE,
    increment: INCREMENT,
  });
  process.on('SIGTERM', () => {
    void app.close().finally(() => process.exit(0));
  });
  const ready: Ready = { kind: 'ready', port, auctionIds, users: tokens };
  process.send?.(ready);
}

// ---- entry points --------------------------------------------------------------------------

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
const role = process.argv.indexOf(ROLE_FLAG);
if (isMain && role !== -1) {
  boundChildLifetime(CHILD_LIFETIME_MS);
  const which = process.argv[role + 1];
  await (which === 'intake' ? serveIntake() : which === 'worker' ? runWorker() : serveOutcry());
} else if (isMain) {
  const mode: BenchMode = process.argv.includes('--tiny')
    ? 'tiny'
    : process.argv.includes('--quick')
      ? 'quick'
      : 'full';
  const rows = await runUsersBuildInsteadSuite({ mode, log: (line) => console.log(`[${SUITE}] ${line}`) });
  for (const row of rows)
    console.log(`${row.name}: ${row.figure} ${row.unit} vs ${row.baselineFigure} = ${row.ratio}x`);
}
