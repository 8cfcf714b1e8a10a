import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ADMIN, signIn, startTestApp } from './support/test-server.js';

describe('API details', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp('memory', { adminToken: ADMIN });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('answers a text/plain body with 415 UNSUPPORTED_MEDIA_TYPE, as any body that is not JSON', async () => {
    const bob = await signIn(app, 'bob');
    const response = await bob.request({
      method: 'POST',
      url: '/auctions',
      payload: 'title=Guitar',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('says a wrong admin token is not the admin token, and a wrong user token to log in again', async () => {
    const admin = await app.inject({
      method: 'GET',
      url: '/admin/stats',
      headers: { authorization: 'Bearer not-the-admin-token' },
    });
    expect(admin.statusCode).toBe(401);
    expect(admin.json().error).toMatchObject({
      code: 'UNAUTHORIZED',
      message: expect.stringMatching(/not the admin token/),
    });
    const user = await app.inject({
      method: 'POST',
      url: '/auctions/x/bids',
      payload: { amount: 100 },
      headers: { authorization: 'Bearer not-a-user-token' },
    });
    expect(user.statusCode).toBe(401);
    expect(user.json().error.message).toMatch(/log in again/);
  });

  it('names the process metrics once: outcry_process_cpu_seconds_total, never outcry_process_process_', async () => {
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/^outcry_process_cpu_seconds_total /m);
    expect(text).toMatch(/^outcry_nodejs_eventloop_lag_seconds /m);
    expect(text).not.toContain('outcry_process_process_');
    expect(text).not.toContain('outcry_process_nodejs_');
  });

  it('has a favicon, named by the pages and answered at /favicon.ico too', async () => {
    for (const url of ['/favicon.svg', '/favicon.ico']) {
      const icon = await app.inject({ method: 'GET', url });
      expect(icon.statusCode).toBe(200);
      expect(icon.headers['content-type']).toBe('image/svg+xml');
      expect(icon.body).toMatch(/^<svg /);
    }
    for (const page of ['/', '/docs']) {
      expect((await app.inject({ method: 'GET', url: page })).body).toContain('<link rel="icon" href="/favicon.svg"');
    }
  });
});

describe('WebSocket origins', () => {
  it("takes the server's own pages, refuses other sites, and takes a configured list", async () => {
    const { default: WebSocket } = await import('ws');
    const open = (url: string, origin?: string) =>
      new Promise<number>((resolve) => {
        const socket = new WebSocket(url, origin === undefined ? {} : { origin });
        socket.once('open', () => {
          socket.close();
          resolve(101);
        });
        socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        socket.once('error', () => undefined);
      });
    for (const [wsOrigins, allowed, refused] of [
      ['same-origin', (own: string) => `http://${own}`, 'https://evil.example'],
      [['https://auctions.example'], () => 'https://auctions.example', 'http://127.0.0.1'],
    ] as const) {
      const app = await startTestApp('memory', { wsOrigins });
      try {
        await app.listen({ host: '127.0.0.1', port: 0 });
        const own = `127.0.0.1:${(app.server.address() as { port: number }).port}`;
        const url = `ws://${own}/ws`;
        expect(await open(url, allowed(own))).toBe(101);
        expect(await open(url, refused)).toBe(403);
        expect(await open(url)).toBe(101);
      } finally {
        await app.dispose();
      }
    }
  });

  it('reads WS_ORIGINS', () => {
    expect(loadConfig({ WS_ORIGINS: 'https://a.example, https://b.example:8443' }).wsOrigins).toEqual([
      'https://a.example',
      'https://b.example:8443',
    ]);
    expect(loadConfig({}).wsOrigins).toBe('same-origin');
    expect(() => loadConfig({ WS_ORIGINS: 'a.example' })).toThrow(/WS_ORIGINS/);
  });

  it('reads REDIS_CLUSTER_NODES', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '10.0.0.5:7000, redis-b:7001,[::1]:7002' }).redisClusterNodes).toEqual([
      { host: '10.0.0.5', port: 7000 },
      { host: 'redis-b', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(loadConfig({}).redisClusterNodes).toBeNull();
    expect(loadConfig({ REDIS_CLUSTER_NODES: ' ' }).redisClusterNodes).toBeNull();
    for (const bad of ['10.0.0.5', 'a:b', 'host:70000', 'a:1,,b:2', 'redis://a:1'])
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: bad }), bad).toThrow(/REDIS_CLUSTER_NODES/);
  });
});
