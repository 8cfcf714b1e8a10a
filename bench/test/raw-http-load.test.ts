import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseResponse, requestText, runRawHttpLoad } from '../src/raw-http-load.js';

let server: Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())));
  server = null;
});

/** A server that answers 200 to even amounts and 409 to odd ones, echoing what it was sent. */
async function echoServer(splitWrites: boolean): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const echo = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization} ${body}`);
      const amount = (JSON.parse(body) as { amount: number }).amount;
      const answer = JSON.stringify({ amount, path: request.url });
      response.writeHead(amount % 2 === 0 ? 200 : 409, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(answer),
      });
      if (!splitWrites) return response.end(answer);
      // Head and body in separate packets: the client must wait for the whole body.
      response.flushHeaders();
      setTimeout(() => response.end(answer), 5);
    });
  });
  server = echo;
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(echo.address() as AddressInfo).port}`, seen };
}

describe('raw HTTP load client', () => {
  it('sends each request as set up, one at a time per connection, and counts every answer by status', async () => {
    for (const splitWrites of [false, true]) {
      const { url, seen } = await echoServer(splitWrites);
      let n = 0;
      const result = await runRawHttpLoad({
        url,
        connections: 4,
        durationS: 0.4,
        setupRequest: (request) => {
          n++;
          request.method = 'POST';
          request.path = `/auctions/a${n % 3}/bids`;
          request.headers = { 'content-type': 'application/json', authorization: `Bearer t${n}` };
          request.body = JSON.stringify({ amount: n });
          return request;
        },
      });
      expect(result.errors + result.timeouts).toBe(0);
      expect(result.requests.total).toBeGreaterThan(10);
      // Every request was answered before the next on its connection: the server saw them all.
      expect(seen).toHaveLength(result.requests.total);
      expect(seen).toContain(`POST /auctions/a1/bids Bearer t1 {"amount":1}`);
      const byStatus = result.statusCodeStats ?? {};
      expect((byStatus['200']?.count ?? 0) + (byStatus['409']?.count ?? 0)).toBe(result.requests.total);
      expect(result.non2xx).toBe(byStatus['409']?.count);
      expect(result.latency.p50).toBeGreaterThan(0);
      expect(result.latency.p99).toBeGreaterThanOrEqual(result.latency.p50);
      if (splitWrites) expect(result.latency.p50).toBeGreaterThanOrEqual(4);
      await new Promise<void>((resolve) => server?.close(() => resolve()));
      server = null;
    }
  });

  it('tells each request with the status it was answered with', async () => {
    const { url } = await echoServer(false);
    let n = 0;
    const told: Array<[number, number]> = [];
    const result = await runRawHttpLoad({
      url,
      connections: 3,
      durationS: 0.3,
      setupRequest: (request) => {
        n++;
        request.method = 'POST';
        request.path = '/bids';
        request.body = JSON.stringify({ amount: n });
        return request;
      },
      onResponse: (request, status) => told.push([(JSON.parse(request.body) as { amount: number }).amount, status]),
    });
    expect(told).toHaveLength(result.requests.total);
    // The echo server answers 200 to even amounts and 409 to odd ones: each request got its own answer.
    for (const [amount, status] of told) expect(status).toBe(amount % 2 === 0 ? 200 : 409);
  });

  it('finds where a response ends, and refuses what it does not read', () => {
    const response = Buffer.from('HTTP/1.1 409 Conflict\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n');
    expect(parseResponse(response)).toEqual({ end: 46, status: 409 });
    expect(parseResponse(response.subarray(0, 45))).toBeNull();
    expect(() => parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'))).toThrow(
      /Content-Length/,
    );
    expect(requestText('h:1', { method: 'POST', path: '/x', headers: { a: 'b' }, body: 'é' })).toBe(
      'POST /x HTTP/1.1\r\nhost: h:1\r\nconnection: keep-alive\r\na: b\r\ncontent-length: 2\r\n\r\né',
    );
  });

  it('counts a connection the server drops as an error and stops using it', async () => {
    server = createServer((request) => request.socket.destroy());
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const result = await runRawHttpLoad({ url, connections: 3, durationS: 0.2, setupRequest: (r) => r });
    expect(result.errors).toBe(3);
    expect(result.requests.total).toBe(0);
  });
});
