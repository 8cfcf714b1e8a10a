import { measureRedisStack } from './src/redis-stack.js';
const r = await measureRedisStack({ log: (l) => console.log(l) });
const f = (x: any) => `${Math.round(x.bidsPerSecond)} bids/s p50 ${x.p50Ms.toFixed(2)} p99 ${x.p99Ms.toFixed(2)} ms calls/bid ${x.redisCallsPerBid.toFixed(1)} errors ${x.errors}`;
for (const k of ['hot', 'spread'] as const) console.log(k, 'ratio', r[k].ratio.toFixed(2), '| outcry', f(r[k].outcry), '| baseline', f(r[k].baseline));
const big = await measureRedisStack({ concurrency: 1000, auctions: 10_000, durationMs: 3000, log: (l) => console.log('c=1000', l) });
for (const k of ['hot', 'spread'] as const) console.log('c=1000', k, 'ratio', big[k].ratio.toFixed(2), '| outcry', f(big[k].outcry), '| baseline', f(big[k].baseline));
