import { createRequire } from 'node:module';
import { runRawHttpLoad } from './raw-http-load.js';

/** The parts of an autocannon result the bench reads (autocannon ships no types). */
export interface HttpLoadResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly average: number; readonly max: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly duration: number;
  /** Answers per status code. */
  readonly statusCodeStats?: Readonly<Record<string, { readonly count: number }>>;
}

/** "200:9120 409:41": the answers by status code, for the details. */
export function statusesOf(result: HttpLoadResult): string {
  return Object.entries(result.statusCodeStats ?? {})
    .map(([code, { count }]) => `${code}:${count}`)
    .join(' ');
}

/** One request autocannon is about to send; `setupRequest` fills it in. */
export interface HttpLoadRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  timeout?: number;
  requests?: Array<{ setupRequest: (request: HttpLoadRequest) => HttpLoadRequest }>;
}) => Promise<HttpLoadResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** The load client the suites use: `raw` (src/raw-http-load.ts, the default) or `autocannon`. */
export function httpClientName(): 'raw' | 'autocannon' {
  return process.env.BENCH_HTTP_CLIENT === 'autocannon' ? 'autocannon' : 'raw';
}

/**
 * One fixed-duration load: `connections` keep one request each in flight for `durationS`, then
 * stop. On the raw client by default; `BENCH_HTTP_CLIENT=autocannon` runs autocannon instead,
 * to compare (it costs the shared cores about three times as much a request).
 */
export function runHttpLoad(options: {
  url: string;
  connections: number;
  durationS: number;
  setupRequest: (request: HttpLoadRequest) => HttpLoadRequest;
}): Promise<HttpLoadResult> {
  if (httpClientName() === 'raw') return runRawHttpLoad(options);
  return autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    requests: [{ setupRequest: options.setupRequest }],
  });
}

/** "1,234 req/s, p50 3 ms, p99 12 ms, …": one progress line. */
export function describeHttpLoad(result: HttpLoadResult): string {
  return (
    `${Math.round(result.requests.average).toLocaleString('en-US')} req/s, p50 ${result.latency.p50} ms, ` +
    `p99 ${result.latency.p99} ms, ${result.requests.total} requests, non-2xx ${result.non2xx}, ` +
    `errors ${result.errors}, timeouts ${result.timeouts}`
  );
}
