import type { Cluster, Redis } from 'ioredis';
import { LUA_TAKE_TOKEN } from './assets.generated.js';
import type { RateLimit } from './rate-limiter.js';

const COMMAND = 'outcryTakeToken';

type TakeToken = (key: string, perSecond: number, burst: number) => Promise<number>;

/**
 * Token buckets in Redis (lua/take-token.lua): every process on the same Redis and key prefix
 * takes from the same bucket of a key. One EVALSHA per request, sent with the client's next
 * automatic pipeline. Rejects when Redis fails, at once when the client is not connected (never
 * waiting in ioredis's offline queue).
 */
export class RedisRateLimiter {
  readonly #redis: Redis | Cluster;
  readonly #limit: RateLimit;
  readonly #keyPrefix: string;
  readonly #takeToken: TakeToken;

  constructor(redis: Redis | Cluster, limit: RateLimit, keyPrefix: string) {
    this.#redis = redis;
    this.#limit = limit;
    this.#keyPrefix = keyPrefix;
    const commands = redis as unknown as Record<string, TakeToken | undefined>;
    if (commands[COMMAND] === undefined) redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: LUA_TAKE_TOKEN });
    this.#takeToken = (commands[COMMAND] as TakeToken).bind(redis);
  }

  /** Whether the client is connected: taking a token costs one round trip only then. */
  get ready(): boolean {
    return this.#redis.status === 'ready';
  }

  /** Takes one token for `key`: 0 when the request may go ahead, else the ms until a token is free. */
  async take(key: string): Promise<number> {
    if (!this.ready) throw new Error(`Redis is not connected (${this.#redis.status}).`);
    return Number(await this.#takeToken(`${this.#keyPrefix}${key}`, this.#limit.perSecond, this.#limit.burst));
  }
}
