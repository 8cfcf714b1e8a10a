import { type AddressInfo, connect } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenSigner } from '../src/token-signer.js';
import { startTestApp } from './support/test-server.js';

/** The documented error shape, with nothing else in the body. */
function expectErrorShape(body: unknown, code: string): void {
  expect(Object.keys(body as object)).toEqual(['error']);
  expect((body as { error: { code: string; message: string } }).error).toMatchObject({
    code,
    message: expect.any(String),
  });
}

describe('requests that probe the server', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp('memory', {}, { logger: false });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('answers router errors in the documented shape: a path id over the limit, a bad percent-encoding', async () => {
    const long = await app.inject({ method: 'GET', url: `/auctions/${'a'.repeat(201)}` });
    expect(long.statusCode).toBe(400);
    expectErrorShape(long.json(), 'BAD_REQUEST');
    expect(long.json().error.message).not.toContain('aaaa');
    const bad = await app.inject({ method: 'GET', url: '/auctions/%ZZ' });
    expect(bad.statusCode).toBe(400);
    expectErrorShape(bad.json(), 'BAD_REQUEST');
  });

  it('uses a client X-Request-Id only when it is a short plain token', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logged = await startTestApp('memory', {}, { logger: { level: 'info', stream } });
    try {
      await logged.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'trace-42' } });
      await logged.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'x'.repeat(8_000) } });
      await logged.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'a\u001b[31mb' } });
    } finally {
      await logged.dispose();
    }
    const ids = lines.map((line) => JSON.parse(line).reqId).filter((id): id is string => typeof id === 'string');
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(ids[0]).toBe('trace-42');
    for (const id of ids.filter((id) => id !== 'trace-42')) expect(id).toMatch(/^req-[0-9a-z]+$/);
    expect(lines.join('')).not.toContain('xxxxxxxx');
  });
});

describe('a token signature', () => {
  it('authenticates in exactly one spelling', () => {
    const signer = new TokenSigner({ secret: 's3cret', ttlMs: 60_000 });
    const { token } = signer.sign('bob');
    expect(signer.verify(token)).toBe('bob');
    const [body, signature] = token.split('.') as [string, string];
    const last = signature.at(-1) as string;
    // The last character carries unused bits: its neighbours in the alphabet decode to the same MAC.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const neighbour = alphabet[alphabet.indexOf(last) ^ 1] as string;
    const standard = Buffer.from(signature, 'base64url').toString('base64');
    for (const forged of [
      `${body}.${signature.slice(0, -1)}${neighbour}`,
      `${body}.${signature}=`,
      `${body}.${signature}!!`,
      `${body}.${standard}`,
      `${body}.${signature.slice(0, -1)}`,
    ]) {
      if (forged === token) continue;
      expect(new TokenSigner({ secret: 's3cret', ttlMs: 60_000 }).verify(forged)).toBeNull();
    }
  });
});

describe('a server that is stopping', () => {
  it('answers a request that arrives on a busy kept-alive connection with SHUTTING_DOWN in the documented shape', async () => {
    const app = await startTestApp('memory', {}, { logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
    });
    await new Promise((resolve) => socket.once('connect', resolve));
    // The first request's body comes slowly, so it is in flight when the server starts to close;
    // the second comes right behind it on the same connection, once the server is closing.
    const body = '{"userId":"bob"}';
    socket.write(
      `POST /session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closed = app.dispose();
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.write(`${body.slice(5)}GET /health HTTP/1.1\r\nHost: x\r\n\r\n`);
    await closed;
    await new Promise((resolve) => socket.once('close', resolve));
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers[0]).toMatch(/^HTTP\/1\.1 201 /);
    expect(answers[1]).toMatch(/^HTTP\/1\.1 503 /);
    expect(answers[1]).toMatch(/\r\nretry-after: 1\r\n/i);
    expectErrorShape(JSON.parse((answers[1] as string).split('\r\n\r\n')[1] as string), 'SHUTTING_DOWN');
  });
});
