import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eventually } from '@outcry/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type Frame, TestClient } from './support/test-client.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Whether a Redis answers PING; under CI (or REQUIRE_SERVICES=1) a missing one fails the run. */
async function redisUp(): Promise<boolean> {
  const url = new URL(REDIS_URL);
  const answered = await new Promise<boolean>((resolve) => {
    const socket = connect(Number(url.port || 6379), url.hostname);
    const timer = setTimeout(() => resolve(false), 2_000);
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      clearTimeout(timer);
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
  });
  if (!answered && (process.env.CI === 'true' || process.env.REQUIRE_SERVICES === '1')) {
    throw new Error(`No Redis at ${REDIS_URL}: the two-process gateway test cannot run.`);
  }
  if (!answered) console.warn(`SKIPPED: no Redis at ${REDIS_URL}; start redis-server or set REDIS_URL.`);
  return answered;
}

/** A gateway process (test/children/gateway-process.ts) run from source, spoken to by lines. */
class GatewayProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  #stderr = '';

  constructor(env: Record<string, string>) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@outcry/source', join(packageRoot, 'test', 'children', 'gateway-process.ts')],
      {
        cwd: packageRoot,
        env: { ...process.env, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr += chunk.toString();
    });
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => this.lines.push(line));
  }

  async waitFor(prefix: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.lines.findIndex((line) => line.startsWith(prefix));
      if (index !== -1) return this.lines.splice(index, 1)[0] as string;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no "${prefix}" from the gateway process; stderr: ${this.#stderr.slice(-2_000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }
}

const up = await redisUp();
const children: GatewayProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.child.exitCode === null) child.child.kill();
});

describe.skipIf(!up)('two gateway processes on one Redis', () => {
  it('deliver every bid, placed on either, to every watcher on either, once and in seq order', async () => {
    const prefix = `outcry-ws-test:${process.pid}:${randomBytes(4).toString('hex')}:`;
    const a = new GatewayProcess({ REDIS_URL, PREFIX: prefix, HOUSE_ID: 'gw-a' });
    const b = new GatewayProcess({ REDIS_URL, PREFIX: prefix, HOUSE_ID: 'gw-b' });
    children.push(a, b);
    const [portA, portB] = (await Promise.all([a.waitFor('ready'), b.waitFor('ready')])).map(
      (line) => line.split(' ')[1],
    );
    a.send('create lot-1');
    await a.waitFor('created lot-1');

    const watchers: TestClient[] = [];
    for (let i = 0; i < 20; i++)
      watchers.push(await TestClient.open(`ws://127.0.0.1:${i % 2 === 0 ? portA : portB}/ws`));
    for (const watcher of watchers) watcher.send({ type: 'subscribe', auctionId: 'lot-1' });
    const snapshots = await Promise.all(watchers.map((w) => w.nextOf('snapshot', 10_000)));
    const startSeq = ((snapshots[0] as Frame).auction as { seq: number }).seq;

    // bob bids on A, carol on B, turn by turn, each outbidding the other
    const bob = await TestClient.open(`ws://127.0.0.1:${portA}/ws?token=token-bob`);
    const carol = await TestClient.open(`ws://127.0.0.1:${portB}/ws?token=token-carol`);
    const BIDS = 30;
    for (let i = 0; i < BIDS; i++) {
      const bidder = i % 2 === 0 ? bob : carol;
      bidder.send({ type: 'bid', auctionId: 'lot-1', amount: 1_000 + i * 100, bidId: `bid-${i}` });
      const result = await bidder.next(
        (f) => f.type === 'bid.result' && (f.outcome as { bidId: string }).bidId === `bid-${i}`,
        10_000,
      );
      expect(result.outcome).toMatchObject({ status: 'accepted', leading: true });
    }
    const finalSeq = startSeq + BIDS;
    const lastSeq = (w: TestClient) => (w.all('event').at(-1)?.event as { seq: number } | undefined)?.seq;
    await eventually(() => watchers.every((w) => lastSeq(w) === finalSeq), 15_000, 'every event on every watcher');

    const story = (w: TestClient) =>
      w.all('event').map((f: Frame) => {
        const event = f.event as { seq: number; type: string; bidId?: string };
        return `${event.seq}:${event.type}:${event.bidId ?? ''}`;
      });
    const reference = story(watchers[0] as TestClient);
    expect(new Set(reference).size).toBe(reference.length);
    expect(reference.filter((e) => e.includes(':bid.accepted:'))).toHaveLength(BIDS);
    for (const watcher of watchers) {
      expect(story(watcher)).toEqual(reference);
      expect(watcher.all('snapshot')).toHaveLength(1);
    }
    // outbid notices reach the bidder on its own process, wherever the other bid was placed
    expect(bob.all('outbid').length).toBe(BIDS / 2);
    expect(carol.all('outbid').length).toBe(BIDS / 2 - 1);

    await Promise.all([...watchers, bob, carol].map((c) => c.close()));
    a.send('stop');
    await a.waitFor('stopped');
    b.send('stop clean');
    await b.waitFor('stopped');
  });
});
