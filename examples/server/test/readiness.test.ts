import { Writable } from 'node:stream';
import { eventually } from '@outcry/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, usableStores } from './support/services.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { auctionBody, signIn, startTestApp } from './support/test-server.js';

const stores = await usableStores();

/** Log lines of the app, parsed. */
class LogLines extends Writable {
  readonly lines: Array<{ level: number; msg: string } & Record<string, unknown>> = [];

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line.trim() !== '') this.lines.push(JSON.parse(line));
    done();
  }
}

const WARN = 40;
const ERROR = 50;

describe.skipIf(!stores.includes('postgres'))('readiness when PostgreSQL becomes unreachable (STORE=postgres)', () => {
  const database = new URL(DATABASE_URL);
  const proxy = new TcpProxy({ host: database.hostname, port: Number(database.port || 5432) });
  const logs = new LogLines();
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    await proxy.start();
    const proxied = new URL(DATABASE_URL);
    proxied.port = String(proxy.port);
    app = await startTestApp(
      'postgres',
      { databaseUrl: proxied.toString() },
      { logger: { level: 'info', stream: logs } },
    );
  });
  afterAll(async () => {
    await proxy.start().catch(() => undefined);
    await app?.dispose();
    await proxy.cut();
  });

  it('answers 503 with the failing dependency, fails bids fast with 503 UNAVAILABLE + Retry-After, and is ready again once it is back', async () => {
    const ready = await app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode, ready.body).toBe(200);
    const seller = await signIn(app, 'seller');
    const bob = await signIn(app, 'bob');
    const created = await seller.request({ method: 'POST', url: '/auctions', payload: auctionBody() });
    expect(created.statusCode, created.body).toBe(201);
    const auctionId = (created.json() as { id: string }).id;

    await proxy.cut();
    const startedAt = Date.now();
    const bid = await bob.request({
      method: 'POST',
      url: `/auctions/${auctionId}/bids`,
      payload: { amount: 2_000, bidId: 'while-down' },
    });
    // Within a second or two, not after the 30 s answer timeout.
    expect(bid.statusCode, bid.body).toBe(503);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(bid.headers['retry-after']).toBe('1');
    expect(bid.json()).toMatchObject({ error: { code: 'UNAVAILABLE', details: { outcomeKnown: false } } });

    const notReady = await app.inject({ method: 'GET', url: '/ready' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.headers['retry-after']).toBe('1');
    const body = notReady.json() as {
      checks: Record<string, string>;
      error: { code: string; details: { failing: string[] } };
    };
    expect(body.error.code).toBe('UNAVAILABLE');
    expect(body.error.details.failing).toEqual(expect.arrayContaining(['house', 'postgres']));
    // Store, queue and lock all live on PostgreSQL here: whichever call fails first is named.
    expect(body.checks.house).toMatch(/^(store|queue|lock) failing \(/);
    expect(logs.lines.some((line) => line.level === WARN && /^(store|queue|lock) call failed/.test(line.msg))).toBe(
      true,
    );
    expect(logs.lines.some((line) => line.level === ERROR && /^(store|lock) keeps failing/.test(line.msg))).toBe(true);

    await proxy.start();
    await eventually(
      async () => ((await app.inject({ method: 'GET', url: '/ready' })).statusCode === 200 ? true : undefined),
      20_000,
      '/ready to answer 200 again',
    );
    // The bid whose fate was unknown: sent again with the same bidId, it tells its outcome.
    const again = await bob.request({
      method: 'POST',
      url: `/auctions/${auctionId}/bids`,
      payload: { amount: 2_000, bidId: 'while-down' },
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'accepted', leaderId: 'bob' });
  });
});
