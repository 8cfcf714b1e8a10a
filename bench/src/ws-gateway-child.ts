/**
 * One gateway process of the scale-out suite's WebSocket point (`ws-scale-out.ts`): a house on
 * the Redis adapters (the prefix its siblings share) with a WebSocket gateway on a port of its
 * own. The first one also creates the auction and places the bids, each carrying its scheduled
 * time in its bidId (`d<ms>-<n>`), which the subscribers measure delivery latency from.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuctionHouse } from '@outcry/core';
import { createRedisAdapters } from '@outcry/redis-adapter';
import { createWebSocketGateway } from '@outcry/ws-adapter';
import { Redis } from 'ioredis';
import { boundChildLifetime } from './fork-script.js';
import { benchLot, steady } from './ws-fanout.js';

export type ToGateway =
  | { readonly cmd: 'create' }
  | { readonly cmd: 'bids'; readonly auctionId: string; readonly perSecond: number; readonly seconds: number }
  | { readonly cmd: 'counts' };

export type FromGateway =
  | { readonly kind: 'ready'; readonly port: number }
  | { readonly kind: 'created'; readonly auctionId: string }
  | { readonly kind: 'bid'; readonly total: number; readonly slipMs: number }
  | {
      readonly kind: 'counts';
      /** Events the gateway received for its rooms. */
      readonly events: number;
      /** Messages the broadcaster received from Redis: other processes' broadcasts, and answers. */
      readonly fromRedis: number;
      readonly cpuUs: number;
    };

async function main(): Promise<void> {
  boundChildLifetime(600_000);
  const redis = new Redis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', { enableAutoPipelining: true });
  const adapters = createRedisAdapters({ redis, prefix: process.env.BENCH_PREFIX as string });
  const house = createAuctionHouse({ backend: adapters, houseId: `ws-gateway-${process.pid}`, leaseTtlMs: 3_000 });
  await house.start();
  const server = createServer();
  // Generous buffers, as in the one-process fan-out bench: it counts events, not catch-up snapshots.
  const gateway = createWebSocketGateway({ house, server, maxBufferedBytes: 4 * 1_024 * 1_024, maxBehindMs: 60_000 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 4_096, resolve));
  const send = (message: FromGateway) => process.send?.(message);
  process.on('SIGTERM', () => {
    void (async () => {
      await gateway.close();
      server.closeAllConnections();
      server.close();
      await house.stop();
      await adapters.close();
      redis.disconnect();
    })().finally(() => process.exit(0));
  });
  let amount = 1_000;
  let n = 0;
  process.on('message', (message: ToGateway) => {
    void (async () => {
      if (message.cmd === 'create') {
        const auction = await house.createAuction(benchLot());
        send({ kind: 'created', auctionId: auction.id });
      } else if (message.cmd === 'bids') {
        const { total, slipMs } = await steady(message.perSecond, message.seconds, (i, due) => {
          amount += 10;
          const bidderId = i % 2 === 0 ? 'bob' : 'carol';
          void house.placeBid({ auctionId: message.auctionId, bidderId, amount, bidId: `d${due}-${++n}` });
        });
        send({ kind: 'bid', total, slipMs });
      } else {
        const cpu = process.cpuUsage();
        send({
          kind: 'counts',
          events: gateway.metrics().eventsReceived,
          fromRedis: adapters.broadcaster.received,
          cpuUs: cpu.user + cpu.system,
        });
      }
    })().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
  send({ kind: 'ready', port: (server.address() as AddressInfo).port });
}

await main();
