/**
 * A closed-loop HTTP/1.1 load generator on raw `node:net` sockets: each connection sends one
 * request, waits for its response, and sends the next, until the time is up. Requests are
 * written as one string each; responses are parsed just enough to find where each ends (status
 * line, `Content-Length`) and read their status. No chunked bodies, no pipelining, no TLS.
 * Why: on the bench's shared cores the load generator competes with the server it measures, and
 * autocannon's CPU per request is several times this client's. Real bidders run elsewhere; this
 * client costs little more than its socket calls.
 */
import { connect, type Socket } from 'node:net';
import type { HttpLoadRequest, HttpLoadResult } from './http-load.js';
import { quantile } from './quantile.js';

const CRLF_CRLF = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = /^content-length:\s*(\d+)\s*$/im;
const MAX_HEAD = 16 * 1_024;

export interface RawHttpLoadOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  /** Fills in each request: the same contract as autocannon's `setupRequest`. */
  readonly setupRequest: (request: HttpLoadRequest) => HttpLoadRequest;
  /** A request unanswered after this long ends its connection as a timeout (10 s). */
  readonly timeoutS?: number;
  /** Called with each request and the status it was answered with. */
  readonly onResponse?: (request: HttpLoadRequest, status: number) => void;
}

/** The text of one request, with the Host, Content-Length and keep-alive it needs. */
export function requestText(host: string, request: HttpLoadRequest): string {
  let head = `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n`;
  for (const [name, value] of Object.entries(request.headers)) head += `${name}: ${value}\r\n`;
  return `${head}content-length: ${Buffer.byteLength(request.body)}\r\n\r\n${request.body}`;
}

/**
 * Where the response at the start of `data` ends and its status, or null while incomplete.
 * Throws on what this client does not read (no Content-Length, an oversized head).
 */
export function parseResponse(data: Buffer): { readonly end: number; readonly status: number } | null {
  const headEnd = data.indexOf(CRLF_CRLF);
  if (headEnd < 0) {
    if (data.length > MAX_HEAD) throw new Error('Response head over 16 KB.');
    return null;
  }
  const head = data.toString('latin1', 0, headEnd);
  const status = Number(head.slice(9, 12));
  if (!head.startsWith('HTTP/1.') || !Number.isInteger(status))
    throw new Error(`Not an HTTP response: ${head.slice(0, 40)}`);
  const length = CONTENT_LENGTH.exec(head)?.[1];
  if (length === undefined) throw new Error('A response without Content-Length (chunked bodies are not read).');
  const end = headEnd + 4 + Number(length);
  return data.length >= end ? { end, status } : null;
}

/** Runs the load and reports it in the shape the suites read from autocannon. */
export async function runRawHttpLoad(options: RawHttpLoadOptions): Promise<HttpLoadResult> {
  const url = new URL(options.url);
  const port = Number(url.port || 80);
  const host = url.host;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  let timeouts = 0;
  const startedAt = performance.now();
  const stopAt = startedAt + options.durationS * 1_000;
  const timeoutMs = (options.timeoutS ?? 10) * 1_000;

  const runConnection = (): Promise<void> =>
    new Promise((resolve) => {
      let socket: Socket;
      let pending: Buffer | null = null;
      let sentAt = 0;
      let current: HttpLoadRequest | null = null;
      let timer: NodeJS.Timeout | null = null;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        if (timer !== null) clearInterval(timer);
        socket.destroy();
        resolve();
      };
      const send = () => {
        if (performance.now() >= stopAt) return finish();
        const request = options.setupRequest({ method: 'GET', path: url.pathname, headers: {}, body: '' });
        current = request;
        sentAt = performance.now();
        socket.write(requestText(host, request));
      };
      const fail = (timedOut: boolean) => {
        if (done) return;
        if (timedOut) timeouts++;
        else errors++;
        finish();
      };
      socket = connect({ host: url.hostname, port, noDelay: true }, send);
      timer = setInterval(() => {
        if (sentAt > 0 && performance.now() - sentAt > timeoutMs) fail(true);
      }, 1_000);
      socket.on('error', () => fail(false));
      socket.on('close', () => fail(false));
      socket.on('data', (chunk: Buffer) => {
        pending = pending === null ? chunk : Buffer.concat([pending, chunk]);
        let parsed: ReturnType<typeof parseResponse>;
        try {
          parsed = parseResponse(pending);
        } catch {
          return fail(false);
        }
        if (parsed === null) return;
        latencies.push(performance.now() - sentAt);
        statuses.set(parsed.status, (statuses.get(parsed.status) ?? 0) + 1);
        if (current !== null) options.onResponse?.(current, parsed.status);
        // One request in flight per connection: nothing may follow its response.
        pending = null;
        send();
      });
    });

  await Promise.all(Array.from({ length: options.connections }, runConnection));
  const elapsedS = (performance.now() - startedAt) / 1_000;
  let non2xx = 0;
  const statusCodeStats: Record<string, { count: number }> = {};
  for (const [status, count] of statuses) {
    statusCodeStats[String(status)] = { count };
    if (status < 200 || status > 299) non2xx += count;
  }
  latencies.sort((a, b) => a - b);
  const total = latencies.length;
  const sum = latencies.reduce((a, b) => a + b, 0);
  return {
    requests: { average: total / elapsedS, total },
    latency: {
      p50: total === 0 ? 0 : round(quantile(latencies, 0.5)),
      p99: total === 0 ? 0 : round(quantile(latencies, 0.99)),
      average: total === 0 ? 0 : round(sum / total),
      max: total === 0 ? 0 : round(latencies[total - 1] as number),
    },
    non2xx,
    errors,
    timeouts,
    duration: elapsedS,
    statusCodeStats,
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
