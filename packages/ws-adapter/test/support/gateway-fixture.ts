import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuctionHouse, type CreateAuctionInput, createAuctionHouse, type PublicAuction } from '@outcry/core';
import {
  type Authenticate,
  createWebSocketGateway,
  type WebSocketGateway,
  type WebSocketGatewayOptions,
} from '../../src/index.js';

/** A house, an HTTP server on port 0 and a gateway on it; `stop()` ends all three. */
export interface GatewayFixture {
  readonly house: AuctionHouse;
  readonly server: Server;
  readonly gateway: WebSocketGateway;
  /** ws://127.0.0.1:<port>/ws */
  readonly url: string;
  createAuction(input?: Partial<CreateAuctionInput>): Promise<PublicAuction>;
  stop(): Promise<void>;
}

/** Tokens `token-<user>` authenticate as `<user>`; anything else is refused. */
const testAuthenticate = async (token: string): Promise<string | null> =>
  token.startsWith('token-') ? token.slice('token-'.length) : null;

/** Gateway options, a house of one's own, and `authenticate: null` for a gateway without one. */
export type FixtureOptions = Partial<Omit<WebSocketGatewayOptions, 'house' | 'server' | 'authenticate'>> & {
  house?: AuctionHouse;
  authenticate?: Authenticate | null;
};

export async function startGateway(options: FixtureOptions = {}): Promise<GatewayFixture> {
  const house = options.house ?? createAuctionHouse();
  await house.start();
  const server = createServer((_request, response) => response.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { house: _house, authenticate = testAuthenticate, ...rest } = options;
  const gateway = createWebSocketGateway({
    ...rest,
    ...(authenticate === null ? {} : { authenticate }),
    house,
    server,
  });
  const port = (server.address() as AddressInfo).port;
  let counter = 0;
  return {
    house,
    server,
    gateway,
    url: `ws://127.0.0.1:${port}${options.path ?? '/ws'}`,
    createAuction: (input = {}) =>
      house.createAuction({
        id: `auction-${++counter}`,
        sellerId: 'seller',
        title: 'Guitar',
        currency: 'USD',
        startingPrice: 1_000,
        increment: { type: 'fixed', amount: 100 },
        endsAt: Date.now() + 3_600_000,
        ...input,
      }),
    async stop() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await house.stop();
    },
  };
}
