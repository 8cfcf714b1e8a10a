import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import type { TrustProxy } from '../src/trust-proxy.js';
import { startTestApp } from './support/test-server.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

let app: App | undefined;
afterEach(async () => {
  await app?.dispose();
  app = undefined;
});

/** An app whose sessions are limited to 2 per address, with its request logs kept. */
async function startLogged(trustProxy: TrustProxy) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  app = await startTestApp(
    'memory',
    { trustProxy, writeRate: { perSecond: 0.01, burst: 2 } },
    { logger: { level: 'info', stream } },
  );
  const started = app;
  const session = (remoteAddress: string, forwardedFor?: string) =>
    started
      .inject({
        method: 'POST',
        url: '/session',
        payload: { userId: 'bob' },
        remoteAddress,
        ...(forwardedFor === undefined ? {} : { headers: { 'x-forwarded-for': forwardedFor } }),
      })
      .then((response) => response.statusCode);
  const loggedAddresses = () =>
    lines
      .filter((line) => line.msg === 'incoming request')
      .map((line) => (line.req as { remoteAddress: string }).remoteAddress);
  return { session, loggedAddresses };
}

describe('TRUST_PROXY', () => {
  it('reads off, true, hop counts and address lists, and refuses anything else', () => {
    const read = (value?: string) => loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy;
    expect(read()).toBe(false);
    expect(read('')).toBe(false);
    expect(read('0')).toBe(false);
    expect(read('off')).toBe(false);
    expect(read('true')).toBe(true);
    expect(read('1')).toBe(1);
    expect(read('2')).toBe(2);
    expect(read('10.0.0.0/8, 127.0.0.1,::1, fd00::/8,loopback')).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    for (const bad of ['10.0.0.0/33', 'lb.internal', '10.0.0.1/8/1', '1000', '::1/129', '-1']) {
      expect(() => read(bad), bad).toThrow(ConfigError);
      expect(() => read(bad), bad).toThrow(/TRUST_PROXY/);
    }
  });

  it('is off by default: the socket address is what the per-address limit and the logs see', async () => {
    const { session, loggedAddresses } = await startLogged(false);
    const codes = [
      await session('10.0.0.9', '203.0.113.7'),
      await session('10.0.0.9', '203.0.113.8'),
      await session('10.0.0.9', '203.0.113.9'),
    ];
    expect(codes).toEqual([201, 201, 429]);
    expect(loggedAddresses()).toEqual(['10.0.0.9', '10.0.0.9', '10.0.0.9']);
  });

  it('with a hop count, the address X-Forwarded-For gives is what the limit and the logs see', async () => {
    const { session, loggedAddresses } = await startLogged(1);
    const codes = [
      await session('10.0.0.9', '203.0.113.7'),
      await session('10.0.0.9', '198.51.100.1, 203.0.113.7'),
      await session('10.0.0.9', '203.0.113.7'),
      await session('10.0.0.9', '203.0.113.8'),
    ];
    // One hop: the address the load balancer saw, not what the client wrote before it.
    expect(codes).toEqual([201, 201, 429, 201]);
    expect(loggedAddresses()).toEqual(['203.0.113.7', '203.0.113.7', '203.0.113.7', '203.0.113.8']);
  });

  it('with addresses, believes only those proxies', async () => {
    const { session, loggedAddresses } = await startLogged(['10.0.0.0/8']);
    expect(await session('10.0.0.9', '203.0.113.7')).toBe(201);
    expect(await session('10.0.0.9', '203.0.113.8')).toBe(201);
    // Not a listed proxy: its X-Forwarded-For is not believed.
    expect(await session('192.0.2.1', '203.0.113.7')).toBe(201);
    expect(await session('192.0.2.1', '203.0.113.8')).toBe(201);
    expect(await session('192.0.2.1', '203.0.113.9')).toBe(429);
    expect(loggedAddresses()).toEqual(['203.0.113.7', '203.0.113.8', '192.0.2.1', '192.0.2.1', '192.0.2.1']);
  });
});
