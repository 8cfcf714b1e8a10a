/**
 * WebSocket fan-out: N subscribers of one auction, a stream of bids, the delivery latency of every
 * event to every subscriber (p50/p99/max), next to a bare `ws` broadcast of messages of the same
 * size and count, in the same run.
 *
 *   npx tsx --conditions=@outcry/source bench/src/ws-fanout.ts [sockets...]      (default: 2000 10000)
 *
 * The server (gateway or bare ws) runs in this process; the subscribers run in child processes
 * (this file with --client), so that no process holds more sockets than `ulimit -n` allows.
 * Subscribers are minimal WebSocket clients on raw `node:net` sockets (`raw-ws-client.ts`) that
 * read the figures from a message's bytes: real watchers are browsers on other machines, while
 * here the subscribers share the cores with the server (with `ws` clients they used more CPU
 * than the server between them), so they must cost as little as possible for the run to measure
 * the server.
 * Both servers get the same subscribers.
 *
 * Latency, in ms on one clock: in the steady phases from each bid's scheduled time (gateway bids
 * carry it in their bidId, bare messages in `at`), so a producer that falls behind cannot hide
 * latency; in the burst from the gateway event's intake stamp (`event.at`: queue, commit,
 * broadcast and fan-out included) or the moment the bare broadcast loop starts. Rate: deliveries
 * per second of a burst, from its first send to the last delivery.
 */
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type CreateAuctionInput, createAuctionHouse } from '@outcry/core';
import { createWebSocketGateway } from '@outcry/ws-adapter';
import { WebSocketServer } from 'ws';
import { forkScript } from './fork-script.js';
import { openRawWebSocket, type RawWebSocket } from './raw-ws-client.js';

/** One steady phase: so many bids a second for so long (the bare run sends as many messages). */
interface FanoutRate {
  readonly bidsPerSecond: number;
  readonly seconds: number;
}

export interface WsFanoutOptions {
  /** Subscriber counts to run, each with both servers (2,000 and 10,000). */
  readonly sizes?: readonly number[];
  /** Client processes holding the subscribers (2). */
  readonly clientProcesses?: number;
  readonly rates?: readonly FanoutRate[];
  /** Bids of the burst phase (each makes two events: bid.accepted and bidder.outbid). */
  readonly burstBids?: number;
}

interface LatencySummary {
  readonly deliveries: number;
  readonly expected: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface FanoutResult {
  readonly sockets: number;
  readonly server: 'gateway' | 'bare ws';
  readonly phases: Array<{
    readonly name: string;
    readonly latency: LatencySummary;
    readonly deliveriesPerSecond: number;
    /** How far the producer fell behind its schedule (steady phases). */
    readonly slipMs?: number;
    /** CPU time of the server process per delivery, in µs: robust on a shared machine. */
    readonly serverCpuUs: number;
    /** CPU time of all subscriber processes per delivery, in µs: what the measuring costs the shared cores. */
    readonly clientCpuUs: number;
  }>;
}

// ---- client process ---------------------------------------------------------------------

type ToClient =
  | { cmd: 'connect'; url: string; count: number; subscribe: string | null; firstAddress: number }
  | { cmd: 'reset' }
  | { cmd: 'count' }
  | { cmd: 'report' }
  | { cmd: 'close' };

/** What a subscriber looks for in a message's bytes. */
const SNAPSHOT_PREFIX = Buffer.from('{"type":"snapshot"');
const AT_KEY = Buffer.from('"at":');
const SEQ_KEY = Buffer.from('"seq":');
// Bench bids carry their scheduled time in the bidId (`d<ms>-<n>`): latency counts from when
// the bid was due, so a producer that slips behind its schedule cannot hide latency.
const DUE_KEY = Buffer.from('"bidId":"d');
const DASH = 0x2d;

/**
 * The digits right after the first `key` followed by at least one digit (and then `then`, when
 * given), as a number; -1 when there is none. What `/key(\d+)/` finds in the text, read from the
 * bytes: a subscriber never decodes a message to a string.
 */
export function numberAfter(data: Buffer, key: Buffer, then = -1): number {
  for (let at = data.indexOf(key); at !== -1; at = data.indexOf(key, at + 1)) {
    let value = 0;
    let end = at + key.length;
    for (; end < data.length; end++) {
      const digit = (data[end] as number) - 0x30;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (end > at + key.length && (then === -1 || data[end] === then)) return value;
  }
  return -1;
}

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0;
}

/**
 * A subscriber process. Its sockets are raw WebSocket clients (`raw-ws-client.ts`), not `ws`:
 * the subscribers share this machine's cores with the server, and with `ws` they used more CPU
 * than the server, so the latency measured was partly theirs. Both contenders get the same
 * client.
 */
function runClient(): void {
  const sockets: RawWebSocket[] = [];
  let latencies: number[] = [];
  let lastAt = 0;
  let bytes = 0;
  let outOfOrder = 0;
  let errors = 0;
  let firstError = '';
  let cpuSince = process.cpuUsage();
  const send = (message: unknown) => process.send?.(message);
  const onError = (error: Error) => {
    errors++;
    firstError ||= error.message;
  };

  let snapshots = 0;
  const onMessage = (socket: { lastSeq: number; dueSeq: number; due: number }, data: Buffer) => {
    const now = Date.now();
    if (startsWith(data, SNAPSHOT_PREFIX)) {
      snapshots++;
      return;
    }
    const at = numberAfter(data, AT_KEY);
    if (at === -1) return;
    const seq = numberAfter(data, SEQ_KEY);
    const due = numberAfter(data, DUE_KEY, DASH);
    if (due !== -1) {
      socket.dueSeq = seq;
      socket.due = due;
    }
    // Events of one change share the seq (and the due time) of its bid.
    const from = socket.dueSeq === seq ? socket.due : at;
    latencies.push(now - from);
    bytes += data.length;
    lastAt = now;
    if (seq !== -1) {
      if (seq < socket.lastSeq) outOfOrder++;
      socket.lastSeq = seq;
    }
  };

  const open = async (url: string, localAddress: string, subscribe: string | null): Promise<void> => {
    const state = { lastSeq: -1, dueSeq: -1, due: 0 };
    try {
      const ws = await openRawWebSocket(url, { localAddress, onText: (data) => onMessage(state, data), onError });
      sockets.push(ws);
      if (subscribe !== null) ws.sendText(subscribe);
    } catch (error) {
      onError(error as Error);
    }
  };

  process.on('message', async (message: ToClient) => {
    if (message.cmd === 'connect') {
      snapshots = 0;
      const subscribe =
        message.subscribe === null ? null : JSON.stringify({ type: 'subscribe', auctionId: message.subscribe });
      const before = sockets.length;
      for (let opened = 0; opened < message.count; ) {
        const wave = Math.min(250, message.count - opened);
        // Several loopback source addresses: plenty of ephemeral ports for 10,000 sockets.
        await Promise.all(
          Array.from({ length: wave }, (_, i) =>
            open(message.url, `127.0.0.${message.firstAddress + ((opened + i) % 4)}`, subscribe),
          ),
        );
        opened += wave;
      }
      const connected = sockets.length - before;
      if (subscribe !== null) while (snapshots < connected) await new Promise((r) => setTimeout(r, 20));
      send({ cmd: 'connected', failed: message.count - connected, error: firstError });
    } else if (message.cmd === 'reset') {
      latencies = [];
      lastAt = 0;
      bytes = 0;
      outOfOrder = 0;
      errors = 0;
      firstError = '';
      cpuSince = process.cpuUsage();
      send({ cmd: 'reset' });
    } else if (message.cmd === 'count') {
      send({ cmd: 'count', count: latencies.length });
    } else if (message.cmd === 'report') {
      const cpu = process.cpuUsage(cpuSince);
      send({ cmd: 'report', latencies, lastAt, bytes, outOfOrder, errors, firstError, cpuUs: cpu.user + cpu.system });
    } else if (message.cmd === 'close') {
      await Promise.all(sockets.map((ws) => ws.close(5_000)));
      sockets.length = 0;
      send({ cmd: 'closed' });
    }
  });
  send({ cmd: 'ready' });
}

// ---- driver ---------------------------------------------------------------------------------

interface Report {
  latencies: number[];
  lastAt: number;
  bytes: number;
  outOfOrder: number;
  /** Socket and protocol errors, and closes the server started, since the last reset. */
  errors: number;
  firstError: string;
  /** CPU time the subscriber processes used since the last reset, in µs. */
  cpuUs: number;
}

export class ClientPool {
  readonly #children: ChildProcess[] = [];

  static async start(processes: number): Promise<ClientPool> {
    const pool = new ClientPool();
    const file = fileURLToPath(import.meta.url);
    for (let i = 0; i < processes; i++) {
      const child = forkScript(file, ['--client']);
      pool.#children.push(child);
      await pool.#await(child, 'ready');
    }
    return pool;
  }

  #await<T>(child: ChildProcess, cmd: string): Promise<T> {
    return new Promise((resolve) => {
      const listener = (message: { cmd: string }) => {
        if (message.cmd !== cmd) return;
        child.off('message', listener);
        resolve(message as T);
      };
      child.on('message', listener);
    });
  }

  async #all<T>(message: ToClient | ((i: number) => ToClient), reply: string): Promise<T[]> {
    return Promise.all(
      this.#children.map((child, i) => {
        const answer = this.#await<T>(child, reply);
        child.send(typeof message === 'function' ? message(i) : message);
        return answer;
      }),
    );
  }

  async connect(url: string, total: number, subscribe: string | null): Promise<void> {
    const each = Math.ceil(total / this.#children.length);
    const answers = await this.#all<{ failed: number; error: string }>(
      (i) => ({
        cmd: 'connect',
        url,
        count: Math.min(each, total - i * each),
        subscribe,
        firstAddress: 1 + ((i * 4) % 200),
      }),
      'connected',
    );
    const failed = answers.reduce((sum, a) => sum + a.failed, 0);
    // Fewer subscribers than asked would make every figure wrong: stop instead.
    if (failed > 0)
      throw new Error(
        `${failed} of ${total} subscribers could not connect: ${answers.map((a) => a.error).find(Boolean)}`,
      );
  }

  reset(): Promise<unknown> {
    return this.#all({ cmd: 'reset' }, 'reset');
  }

  async report(): Promise<Report> {
    const reports = await this.#all<Report>({ cmd: 'report' }, 'report');
    return {
      latencies: reports.flatMap((r) => r.latencies),
      lastAt: Math.max(...reports.map((r) => r.lastAt)),
      bytes: reports.reduce((sum, r) => sum + r.bytes, 0),
      outOfOrder: reports.reduce((sum, r) => sum + r.outOfOrder, 0),
      errors: reports.reduce((sum, r) => sum + r.errors, 0),
      firstError: reports.map((r) => r.firstError).find(Boolean) ?? '',
      cpuUs: reports.reduce((sum, r) => sum + r.cpuUs, 0),
    };
  }

  /** Poll the counts (cheap) until `expected` deliveries arrived (or the timeout), then report once. */
  async collect(expected: number, timeoutMs: number): Promise<Report> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.#all<{ count: number }>({ cmd: 'count' }, 'count');
      if (counts.reduce((sum, c) => sum + c.count, 0) >= expected || Date.now() > deadline) {
        const report = await this.report();
        if (report.errors > 0)
          console.log(`  subscribers saw ${report.errors} errors, the first: ${report.firstError}`);
        return report;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  disconnect(): Promise<unknown> {
    return this.#all({ cmd: 'close' }, 'closed');
  }

  stop(): void {
    for (const child of this.#children) child.kill();
  }
}

export function summarize(latencies: number[], expected: number): LatencySummary {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { deliveries: sorted.length, expected, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? Number.NaN };
}

function cpuPerDelivery(since: NodeJS.CpuUsage, deliveries: number): number {
  const used = process.cpuUsage(since);
  return deliveries === 0 ? Number.NaN : (used.user + used.system) / deliveries;
}

function subscribersCpuPerDelivery(report: Report): number {
  return report.latencies.length === 0 ? Number.NaN : report.cpuUs / report.latencies.length;
}

/** The auction the fan-out benches' watchers follow: an hour long, every bid 10 above the last. */
export function benchLot(): CreateAuctionInput {
  return {
    sellerId: 'seller',
    title: 'Bench lot',
    currency: 'USD',
    startingPrice: 100,
    increment: { type: 'fixed', amount: 1 },
    endsAt: Date.now() + 3_600_000,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 4_096, resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * Drive `emit(i, due)` at `perSecond` for `seconds`, `due` being the scheduled time (ms). Returns
 * how many were emitted and how late the producer got behind its schedule at worst.
 */
export async function steady(
  perSecond: number,
  seconds: number,
  emit: (i: number, due: number) => void,
): Promise<{ total: number; slipMs: number }> {
  const total = Math.round(perSecond * seconds);
  const start = Date.now();
  let slipMs = 0;
  for (let i = 0; i < total; i++) {
    const due = Math.round(start + (i * 1_000) / perSecond);
    if (due > Date.now()) await sleep(due - Date.now());
    slipMs = Math.max(slipMs, Date.now() - due);
    emit(i, due);
  }
  return { total, slipMs };
}

async function runGateway(
  pool: ClientPool,
  sockets: number,
  options: Required<WsFanoutOptions>,
): Promise<{ result: FanoutResult; messageBytes: number }> {
  const house = createAuctionHouse();
  await house.start();
  const server = createServer();
  // Generous buffers: on one shared machine the subscribers fall behind in bursts, and the
  // bench counts events, not the snapshots a slow consumer would get instead.
  const gateway = createWebSocketGateway({ house, server, maxBufferedBytes: 4 * 1_024 * 1_024, maxBehindMs: 60_000 });
  const port = await listen(server);
  const auction = await house.createAuction(benchLot());
  await pool.connect(`ws://127.0.0.1:${port}/ws`, sockets, auction.id);
  let amount = 1_000;
  let n = 0;
  const bid = (i: number, due?: number) => {
    amount += 10;
    const bidId = due === undefined ? `b${++n}` : `d${due}-${++n}`;
    void house.placeBid({ auctionId: auction.id, bidderId: i % 2 === 0 ? 'bob' : 'carol', amount, bidId });
  };
  const phases: FanoutResult['phases'] = [];
  let bytes = 0;
  let messages = 0;
  for (const rate of options.rates) {
    await pool.reset();
    const before = gateway.metrics().eventsReceived;
    const start = Date.now();
    const cpu = process.cpuUsage();
    const { slipMs } = await steady(rate.bidsPerSecond, rate.seconds, bid);
    await sleep(50);
    const events = gateway.metrics().eventsReceived - before;
    const report = await pool.collect(events * sockets, 60_000);
    bytes += report.bytes;
    messages += report.latencies.length;
    phases.push({
      name: `${rate.bidsPerSecond} bids/s`,
      latency: summarize(report.latencies, events * sockets),
      deliveriesPerSecond: report.latencies.length / ((report.lastAt - start) / 1_000),
      serverCpuUs: cpuPerDelivery(cpu, report.latencies.length),
      clientCpuUs: subscribersCpuPerDelivery(report),
      slipMs,
    });
  }
  {
    await pool.reset();
    const before = gateway.metrics().eventsReceived;
    const start = Date.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < options.burstBids; i++) {
      bid(i);
      if (i % 5 === 4) await tick();
    }
    await sleep(50);
    const events = gateway.metrics().eventsReceived - before;
    const report = await pool.collect(events * sockets, 180_000);
    phases.push({
      name: `burst ${events} events`,
      latency: summarize(report.latencies, events * sockets),
      deliveriesPerSecond: report.latencies.length / ((report.lastAt - start) / 1_000),
      serverCpuUs: cpuPerDelivery(cpu, report.latencies.length),
      clientCpuUs: subscribersCpuPerDelivery(report),
    });
  }
  const metrics = gateway.metrics();
  console.log(
    `  gateway metrics: slowest fan-out tick ${metrics.slowestFanoutMs.toFixed(1)} ms, writes ${metrics.fanoutWrites}, delivered ${metrics.eventsDelivered}, slow marked ${metrics.slowConsumers.marked}, gaps ${metrics.gaps}, internal errors ${metrics.internalErrors}`,
  );
  await pool.disconnect();
  await gateway.close();
  server.closeAllConnections();
  server.close();
  await house.stop();
  return {
    result: { sockets, server: 'gateway', phases },
    messageBytes: messages === 0 ? 300 : Math.round(bytes / messages),
  };
}

async function runBare(
  pool: ClientPool,
  sockets: number,
  options: Required<WsFanoutOptions>,
  messageBytes: number,
): Promise<FanoutResult> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const port = await listen(server);
  await pool.connect(`ws://127.0.0.1:${port}/`, sockets, null);
  let seq = 0;
  // The usual broadcast: one ws.send of the same string per client per message.
  const broadcast = (due = Date.now()) => {
    seq++;
    const head = `{"type":"event","event":{"type":"bid.accepted","seq":${seq},"at":${due},"pad":"`;
    const message = `${head}${'x'.repeat(Math.max(0, messageBytes - head.length - 3))}"}}`;
    for (const client of wss.clients) client.send(message);
  };
  const phases: FanoutResult['phases'] = [];
  for (const rate of options.rates) {
    await pool.reset();
    const start = Date.now();
    const cpu = process.cpuUsage();
    // two messages per bid, as the gateway sends bid.accepted and bidder.outbid
    const { total, slipMs } = await steady(rate.bidsPerSecond, rate.seconds, (_i, due) => {
      broadcast(due);
      broadcast(due);
    });
    const sent = 2 * total;
    const report = await pool.collect(sent * sockets, 60_000);
    phases.push({
      name: `${rate.bidsPerSecond} bids/s`,
      latency: summarize(report.latencies, sent * sockets),
      deliveriesPerSecond: report.latencies.length / ((report.lastAt - start) / 1_000),
      serverCpuUs: cpuPerDelivery(cpu, report.latencies.length),
      clientCpuUs: subscribersCpuPerDelivery(report),
      slipMs,
    });
  }
  {
    await pool.reset();
    const start = Date.now();
    const cpu = process.cpuUsage();
    const sent = options.burstBids * 2;
    for (let i = 0; i < options.burstBids; i++) {
      broadcast();
      broadcast();
      if (i % 5 === 4) await tick();
    }
    const report = await pool.collect(sent * sockets, 180_000);
    phases.push({
      name: `burst ${sent} events`,
      latency: summarize(report.latencies, sent * sockets),
      deliveriesPerSecond: report.latencies.length / ((report.lastAt - start) / 1_000),
      serverCpuUs: cpuPerDelivery(cpu, report.latencies.length),
      clientCpuUs: subscribersCpuPerDelivery(report),
    });
  }
  await pool.disconnect();
  for (const client of wss.clients) client.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  server.close();
  return { sockets, server: 'bare ws', phases };
}

/** Run the fan-out benchmark and print a table; returns the figures. */
export async function runWsFanoutBench(options: WsFanoutOptions = {}): Promise<FanoutResult[]> {
  const resolved: Required<WsFanoutOptions> = {
    sizes: options.sizes ?? [2_000, 10_000],
    clientProcesses: options.clientProcesses ?? 2,
    rates: options.rates ?? [
      { bidsPerSecond: 5, seconds: 10 },
      { bidsPerSecond: 50, seconds: 5 },
    ],
    burstBids: options.burstBids ?? 100,
  };
  const pool = await ClientPool.start(resolved.clientProcesses);
  const results: FanoutResult[] = [];
  try {
    for (const sockets of resolved.sizes) {
      console.log(`\n${sockets} subscribers of one auction (${resolved.clientProcesses} client processes)`);
      const { result, messageBytes } = await runGateway(pool, sockets, resolved);
      await sleep(500);
      const bare = await runBare(pool, sockets, resolved, messageBytes);
      results.push(result, bare);
      console.log(`  message size ~${messageBytes} bytes`);
      console.log(
        '  phase                 server    deliveries        p50     p99     max (ms)   deliveries/s  producer slip  server CPU/delivery  subscribers CPU/delivery   gateway/bare rate',
      );
      result.phases.forEach((phase, i) => {
        const baseline = bare.phases[i];
        for (const [name, p] of [
          ['gateway', phase],
          ['bare ws', baseline],
        ] as const) {
          if (p === undefined) continue;
          const l = p.latency;
          console.log(
            `  ${phase.name.padEnd(20)}  ${name.padEnd(8)}  ${`${l.deliveries}/${l.expected}`.padEnd(16)} ${String(l.p50).padStart(6)}  ${String(l.p99).padStart(6)}  ${String(l.max).padStart(6)}      ${Math.round(p.deliveriesPerSecond).toString().padStart(9)}  ${(p.slipMs === undefined ? '' : `${p.slipMs} ms`).padStart(10)}  ${`${p.serverCpuUs.toFixed(2)} µs`.padStart(14)}  ${`${p.clientCpuUs.toFixed(2)} µs`.padStart(23)}${name === 'gateway' && baseline ? `      ${(phase.deliveriesPerSecond / baseline.deliveriesPerSecond).toFixed(2)}x` : ''}`,
          );
        }
      });
      await sleep(1_000);
    }
  } finally {
    pool.stop();
  }
  return results;
}

if (process.argv.includes('--client')) {
  runClient();
} else if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  await runWsFanoutBench(sizes.length > 0 ? { sizes } : {});
  process.exit(0);
}
