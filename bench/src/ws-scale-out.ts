/**
 * The scale-out suite's WebSocket point: W watchers of one auction on one gateway process, then
 * split evenly over two (`ws-gateway-child.ts`: a house on the same Redis with a WebSocket
 * gateway, each capped like a small machine), a steady stream of bids placed by the first. Per
 * setting: the delivery latency over every watcher (from each bid's scheduled time), and the
 * messages each gateway process received from Redis per bid (each event should cross Redis at
 * most once per process that has watchers). The watchers are the raw clients of
 * `ws-fanout.ts`, one client process per gateway (two for the single gateway), uncapped.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { deleteMatching } from '@outcry/redis-adapter';
import type { CpuCaps } from './cpu-caps.js';
import { forkScript, nextMessage, stopChild } from './fork-script.js';
import type { RedisTarget } from './redis-target.js';
import { ClientPool, summarize } from './ws-fanout.js';
import type { FromGateway, ToGateway } from './ws-gateway-child.js';

export interface WsPointSetup {
  readonly redis: RedisTarget;
  readonly gateways: number;
  readonly watchers: number;
  readonly bidsPerSecond: number;
  readonly seconds: number;
  readonly caps: CpuCaps;
  /** CPU of each gateway process, in cores. */
  readonly cores: number;
}

export interface WsPoint {
  readonly gateways: number;
  readonly watchers: number;
  readonly bids: number;
  readonly deliveries: number;
  readonly expected: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /**
   * Messages each gateway process received from Redis over the window / bids: the broadcasts of
   * the partition's owner when it is another process, and (the first) the answers to its bids.
   */
  readonly fromRedisPerBid: readonly number[];
  /** All gateway processes' CPU over the window / deliveries, µs. */
  readonly gatewayCpuUsPerDelivery: number;
}

const childFile = fileURLToPath(new URL('./ws-gateway-child.ts', import.meta.url));

const is =
  <K extends FromGateway['kind']>(kind: K) =>
  (message: unknown): message is Extract<FromGateway, { kind: K }> =>
    (message as FromGateway | null)?.kind === kind;

function ask<K extends FromGateway['kind']>(
  child: ChildProcess,
  message: ToGateway,
  kind: K,
  timeoutMs: number,
): Promise<Extract<FromGateway, { kind: K }>> {
  const answer = nextMessage(child, is(kind), timeoutMs, `WebSocket gateway (${kind})`);
  child.send(message);
  return answer;
}

/** Measures one setting: throws when a child fails or the watchers cannot all connect. */
export async function measureWsPoint(setup: WsPointSetup): Promise<WsPoint> {
  const prefix = `outcry-bench-ws-scale-out:${process.pid}:${setup.gateways}:${Date.now().toString(36)}:`;
  const env = { ...setup.redis.env, BENCH_PREFIX: prefix };
  const children = Array.from({ length: setup.gateways }, () => forkScript(childFile, [], { env }));
  const pools: ClientPool[] = [];
  try {
    const ports = await Promise.all(
      children.map((child, i) => nextMessage(child, is('ready'), 120_000, `WebSocket gateway ${i} (start)`)),
    );
    const [producer] = children;
    if (producer === undefined) throw new Error('no gateway process');
    const { auctionId } = await ask(producer, { cmd: 'create' }, 'created', 60_000);
    const each = Math.ceil(setup.watchers / setup.gateways);
    const watchersOf = children.map((_, i) => Math.min(each, setup.watchers - i * each));
    for (const [i, port] of ports.entries()) {
      const pool = await ClientPool.start(setup.gateways === 1 ? 2 : 1);
      pools.push(pool);
      await pool.connect(`ws://127.0.0.1:${port.port}/ws`, watchersOf[i] as number, auctionId);
    }
    for (const [i, child] of children.entries()) setup.caps.cap(child.pid as number, `ws-gateway-${i}`, setup.cores);
    // A short warm-up at the same rate: the window starts with the code paths compiled.
    const warm = await Promise.all(children.map((child) => ask(child, { cmd: 'counts' }, 'counts', 30_000)));
    await ask(producer, { cmd: 'bids', auctionId, perSecond: setup.bidsPerSecond, seconds: 1 }, 'bid', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Every warm-up event delivered before the window's count starts (a busy gateway lags).
    const warmed = await Promise.all(children.map((child) => ask(child, { cmd: 'counts' }, 'counts', 30_000)));
    await Promise.all(
      pools.map((pool, i) =>
        pool.collect(((warmed[i]?.events ?? 0) - (warm[i]?.events ?? 0)) * (watchersOf[i] as number), 30_000),
      ),
    );
    await Promise.all(pools.map((pool) => pool.reset()));
    const before = await Promise.all(children.map((child) => ask(child, { cmd: 'counts' }, 'counts', 30_000)));
    const { total } = await ask(
      producer,
      { cmd: 'bids', auctionId, perSecond: setup.bidsPerSecond, seconds: setup.seconds },
      'bid',
      setup.seconds * 1_000 + 60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await Promise.all(children.map((child) => ask(child, { cmd: 'counts' }, 'counts', 30_000)));
    const expectedOf = after.map((counts, i) => (counts.events - (before[i]?.events ?? 0)) * (watchersOf[i] as number));
    const reports = await Promise.all(pools.map((pool, i) => pool.collect(expectedOf[i] as number, 60_000)));
    const expected = expectedOf.reduce((sum, n) => sum + n, 0);
    const latency = summarize(
      reports.flatMap((report) => report.latencies),
      expected,
    );
    const cpuUs = after.reduce((sum, counts, i) => sum + counts.cpuUs - (before[i]?.cpuUs ?? 0), 0);
    return {
      gateways: setup.gateways,
      watchers: setup.watchers,
      bids: total,
      deliveries: latency.deliveries,
      expected,
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      maxMs: latency.max,
      fromRedisPerBid: after.map((counts, i) => (counts.fromRedis - (before[i]?.fromRedis ?? 0)) / total),
      gatewayCpuUsPerDelivery: latency.deliveries === 0 ? Number.NaN : cpuUs / latency.deliveries,
    };
  } finally {
    for (const pool of pools) {
      await pool.disconnect().catch(() => undefined);
      pool.stop();
    }
    await Promise.all(children.map((child) => stopChild(child)));
    const admin = setup.redis.client();
    await deleteMatching(admin, `${prefix}*`).catch(() => undefined);
    await admin.quit().catch(() => undefined);
  }
}
