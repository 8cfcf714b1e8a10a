/**
 * A process that only talks to Redis, for the scale-out suite's round-trip row: PUBLISHes of a
 * bid-sized payload to a channel nobody listens to, awaited one trip at a time, `perTrip` of them
 * to a trip (one pipeline: one write, one reply read). Started and capped by `round-trip-cost.ts`
 * over IPC; reports the CPU it used (process.cpuUsage: every thread, user and system).
 */
import { Redis } from 'ioredis';
import { boundChildLifetime } from './fork-script.js';

export type ToRoundTripChild = { readonly cmd: 'run'; readonly perTrip: number; readonly trips: number };

export type FromRoundTripChild =
  | { readonly kind: 'ready' }
  | {
      readonly kind: 'result';
      readonly cpuUs: number;
      readonly trips: number;
      readonly ops: number;
      readonly ms: number;
    };

/** About what a bid weighs on its way to Redis (a commit's ledger entry and state). */
const PAYLOAD = 'x'.repeat(300);

async function trips(redis: Redis, perTrip: number, count: number): Promise<void> {
  const channel = `outcry-bench-round-trip:${process.pid}`;
  for (let trip = 0; trip < count; trip++) {
    const pipeline = redis.pipeline();
    for (let i = 0; i < perTrip; i++) pipeline.publish(channel, PAYLOAD);
    await pipeline.exec();
  }
}

async function main(): Promise<void> {
  boundChildLifetime(300_000);
  const redis = new Redis(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379');
  await redis.ping();
  const send = (message: FromRoundTripChild) => process.send?.(message);
  process.on('message', (message: ToRoundTripChild) => {
    void (async () => {
      // The JIT's warm-up, left out of the figure.
      await trips(redis, message.perTrip, Math.min(500, message.trips));
      const started = performance.now();
      const before = process.cpuUsage();
      await trips(redis, message.perTrip, message.trips);
      const used = process.cpuUsage(before);
      send({
        kind: 'result',
        cpuUs: used.user + used.system,
        trips: message.trips,
        ops: message.trips * message.perTrip,
        ms: performance.now() - started,
      });
    })();
  });
  process.on('SIGTERM', () => {
    void redis.quit().finally(() => process.exit(0));
  });
  send({ kind: 'ready' });
}

void main();
