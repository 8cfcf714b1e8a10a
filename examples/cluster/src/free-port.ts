import { createServer } from 'node:net';

/** Whether `port` can be listened on at `host` now. */
function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A port the system says is free on `host`; with `gap`, one whose `port + gap` is free too
 * (a Redis Cluster node's bus listens 10,000 above its port). Another process may take it before
 * it is used: callers start at once and fail loudly if it was taken.
 */
export async function freePort(host = '127.0.0.1', gap?: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, host, () => {
        const { port: chosen } = server.address() as { port: number };
        server.close(() => resolve(chosen));
      });
    });
    if (gap === undefined) return port;
    if (port + gap < 65_536 && (await portIsFree(port + gap, host))) return port;
  }
  throw new Error(`no free port on ${host}${gap === undefined ? '' : ` with ${gap} above it free too`}`);
}
