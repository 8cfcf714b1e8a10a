/**
 * One gateway process for the multi-process test: an AuctionHouse on Redis, an HTTP server on
 * port 0 and a WebSocket gateway. Speaks lines: prints `ready <port>`; reads `create <id>`
 * (answers `created <id>`), `metrics` (answers `metrics <json>`) and `stop` (answers `stopped`,
 * then exits).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { createAuctionHouse } from '@outcry/core';
import { createRedisAdapters, deleteMatching } from '@outcry/redis-adapter';
import { createWebSocketGateway } from '../../src/index.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};
const say = (line: string) => process.stdout.write(`${line}\n`);

const prefix = env('PREFIX');
const adapters = createRedisAdapters({ redis: env('REDIS_URL'), prefix, partitions: 4 });
const house = createAuctionHouse({ backend: adapters, partitions: 4, houseId: env('HOUSE_ID') });
await house.start();
const server = createServer();
const gateway = createWebSocketGateway({
  house,
  server,
  authenticate: (token) => (token.startsWith('token-') ? token.slice(6) : null),
  rateLimit: false,
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
say(`ready ${(server.address() as AddressInfo).port}`);

createInterface({ input: process.stdin }).on('line', async (line) => {
  const [command, argument] = line.trim().split(' ');
  try {
    if (command === 'create' && argument !== undefined) {
      await house.createAuction({
        id: argument,
        sellerId: 'seller',
        title: 'Two-process lot',
        currency: 'USD',
        startingPrice: 100,
        increment: { type: 'fixed', amount: 1 },
        endsAt: Date.now() + 600_000,
      });
      say(`created ${argument}`);
    } else if (command === 'metrics') {
      say(`metrics ${JSON.stringify(gateway.metrics())}`);
    } else if (command === 'stop') {
      await gateway.close();
      server.closeAllConnections();
      server.close();
      await house.stop();
      if (argument === 'clean') await deleteMatching(adapters.redis, `${prefix}*`);
      await adapters.close();
      say('stopped');
      process.exit(0);
    }
  } catch (error) {
    say(`failed ${String(error)}`);
  }
});
