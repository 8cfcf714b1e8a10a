import { fileURLToPath, pathToFileURL } from 'node:url';

/** The few calls the bench makes on the example server's Fastify app. */
export interface ExampleServerApp {
  listen(options: { host: string; port: number }): Promise<string>;
  inject(options: { method: string; url: string; payload?: unknown; headers?: Record<string, string> }): Promise<{
    statusCode: number;
    json(): unknown;
  }>;
  close(): Promise<void>;
  server: { address(): unknown };
}

export interface ExampleServer {
  buildApp(config: unknown, options: { logger: false; websocket: boolean }): Promise<ExampleServerApp>;
  testConfig(overrides: Record<string, unknown>): unknown;
}

/** examples/server, loaded by URL so that bench's type-check does not take in its tree. */
export async function loadExampleServer(): Promise<ExampleServer> {
  const root = new URL('../../examples/server/src/', import.meta.url);
  const load = async (file: string) =>
    (await import(pathToFileURL(fileURLToPath(new URL(file, root))).href)) as Partial<ExampleServer>;
  const { buildApp } = await load('build-app.ts');
  const { testConfig } = await load('config.ts');
  if (buildApp === undefined || testConfig === undefined)
    throw new Error('examples/server lacks buildApp or testConfig');
  return { buildApp, testConfig };
}

export interface FloorOptions {
  readonly users: number;
  /** Users are `<userPrefix><i>`; the seller is `<userPrefix>seller`. */
  readonly userPrefix: string;
  readonly auctions: number;
  readonly startingPrice: number;
  readonly increment: number;
}

/** The users' tokens and the open auctions made through the API, then the app listening on a free loopback port. */
export async function openFloor(
  app: ExampleServerApp,
  options: FloorOptions,
): Promise<{ port: number; tokens: string[]; auctionIds: string[] }> {
  const login = async (userId: string) => {
    const response = await app.inject({ method: 'POST', url: '/session', payload: { userId } });
    return (response.json() as { token: string }).token;
  };
  const tokens: string[] = [];
  for (let i = 0; i < options.users; i++) tokens.push(await login(`${options.userPrefix}${i}`));
  const sellerToken = await login(`${options.userPrefix}seller`);
  const auctionIds: string[] = [];
  for (let i = 0; i < options.auctions; i++) {
    const response = await app.inject({
      method: 'POST',
      url: '/auctions',
      headers: { authorization: `Bearer ${sellerToken}` },
      payload: {
        title: `Lot ${i}`,
        currency: 'USD',
        startingPrice: options.startingPrice,
        increment: { type: 'fixed', amount: options.increment },
        endsAt: Date.now() + 3_600_000,
      },
    });
    if (response.statusCode !== 201 && response.statusCode !== 200)
      throw new Error(`creating an auction answered ${response.statusCode}: ${JSON.stringify(response.json())}`);
    auctionIds.push((response.json() as { id: string }).id);
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { port: (app.server.address() as { port: number }).port, tokens, auctionIds };
}
