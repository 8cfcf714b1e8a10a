import type { RedisKeys } from './keys.js';
import type { RedisClient } from './redis-client.js';

/** What a census needs of its broadcaster. */
export interface ListenerCensusOptions {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
  /** How often the partitions this process alone publishes for are looked at. */
  readonly checkMs: number;
  /** Starts this instance's asks' nonces. */
  readonly mark: string;
  /**
   * The partitions whose messages this process may leave unsent while nobody else listens, now:
   * those it alone publishes for, and those it publishes for beside other processes.
   */
  readonly sole: () => readonly number[];
  readonly isSole: (partition: number) => boolean;
  /** True when this process's own subscriber connection listens to the partition (counted by Redis too). */
  readonly listensHere: (partition: number) => boolean;
  /** Subscribes the listeners channel on the broadcaster's subscriber connection. */
  readonly subscribe: (channel: string) => Promise<void>;
}

/**
 * Which of the partitions this process publishes for (alone, or beside other processes) nobody
 * else listens to (its messages there are then not sent), and the listeners protocol on `<prefix>listeners` that keeps
 * that exact: a broadcaster that starts listening asks (`ask|<nonce>|<partitions>`), every
 * instance sends again for those partitions and answers `ack|<nonce>` on the connection its
 * commits go out on (a commit sent later publishes; one sent earlier ran before the ack, which
 * the asker hears in that order), and the asker's subscribe resolves once all have answered.
 */
export class ListenerCensus {
  readonly #options: ListenerCensusOptions;
  /** Sole partitions whose channels nobody listened to at the last look: nothing is sent there. */
  readonly #unheard = new Set<number>();
  /** Partitions another process said it started listening to since the current look began. */
  readonly #announced = new Set<number>();
  /** Asks of this instance waiting for acknowledgements: nonce -> acks so far, and the wake-up. */
  readonly #asking = new Map<string, { acks: number; wake: () => void }>();
  #asks = 0;
  #hearing: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** A look is on its way: the next waits for it, so an older count never lands after a newer one. */
  #looking = false;
  #closed = false;

  constructor(options: ListenerCensusOptions) {
    this.#options = options;
  }

  /** True while the listeners channel is (being) subscribed: subscribe it again after a reconnect. */
  get hearing(): boolean {
    return this.#hearing !== null;
  }

  /** True when nobody outside this process listens to the partition at the last look. */
  unheard(partition: number): boolean {
    return this.#unheard.has(partition);
  }

  /** The partition is no longer sole: its messages are sent again. */
  forget(partition: number): void {
    this.#unheard.delete(partition);
  }

  /** Looks now, and every `checkMs` from now on. */
  watch(): void {
    if (this.#closed) return;
    if (this.#timer === null) {
      void this.#hear().catch(() => undefined);
      this.#timer = setInterval(() => void this.look(), this.#options.checkMs);
      this.#timer.unref();
    }
    void this.look();
  }

  /** Counts the listeners of every such partition's channel (PUBSUB NUMSUB, and NUMPAT). */
  async look(): Promise<void> {
    const { redis, keys, sole, isSole, listensHere } = this.#options;
    const partitions = sole();
    if (partitions.length === 0 || this.#closed || this.#looking) return;
    this.#looking = true;
    this.#announced.clear();
    let reply: unknown[];
    let patterns: number;
    try {
      // A pattern subscription (PSUBSCRIBE) may match any channel: then every message is sent.
      [reply, patterns] = await Promise.all([
        redis.call('PUBSUB', 'NUMSUB', ...partitions.map((partition) => keys.channel(partition))) as Promise<unknown[]>,
        redis.call('PUBSUB', 'NUMPAT') as Promise<number>,
      ]);
    } catch {
      // Unknown: every message is sent until a look succeeds.
      this.#unheard.clear();
      return;
    } finally {
      this.#looking = false;
    }
    partitions.forEach((partition, i) => {
      // A partition no longer sole meanwhile is sent to again, whatever the count said; a
      // listener announced since the look began may not have been counted.
      // This process's own subscriber is one of the listeners counted: it needs no copy from Redis.
      const others = Number(reply[2 * i + 1]) - (listensHere(partition) ? 1 : 0);
      const quiet = patterns === 0 && others <= 0 && !this.#announced.has(partition);
      if (quiet && isSole(partition)) this.#unheard.add(partition);
      else this.#unheard.delete(partition);
    });
  }

  #hear(): Promise<void> {
    this.#hearing ??= this.#options.subscribe(this.#options.keys.listeners()).catch((error: unknown) => {
      this.#hearing = null;
      throw error;
    });
    return this.#hearing;
  }

  /** A payload on the listeners channel: an ask to answer, or an ack of this instance's ask. */
  receive(payload: string): void {
    const [kind, nonce, list] = payload.split('|');
    if (kind === 'ack' && nonce !== undefined) {
      const ask = this.#asking.get(nonce);
      if (ask === undefined) return;
      ask.acks++;
      ask.wake();
      return;
    }
    if (kind !== 'ask' || nonce === undefined || list === undefined) return;
    for (const part of list.split(',')) {
      const partition = Number(part);
      if (!Number.isInteger(partition)) continue;
      this.#announced.add(partition);
      this.#unheard.delete(partition);
    }
    const { redis, keys } = this.#options;
    if (!this.#closed) void redis.publish(keys.listeners(), `ack|${nonce}`).catch(() => undefined);
  }

  /**
   * Tells every instance on the server that this one listens to `partitions` now, and waits
   * until each has acknowledged (or `checkMs` passed): from then on no sole publisher leaves
   * their messages unsent.
   */
  async announce(partitions: readonly number[]): Promise<void> {
    await this.#hear();
    const { redis, keys, mark, checkMs } = this.#options;
    const nonce = `${mark}.${++this.#asks}`;
    let wake: () => void = () => {};
    const ask = { acks: 0, wake: () => wake() };
    this.#asking.set(nonce, ask);
    try {
      const receivers = Number(await redis.publish(keys.listeners(), `ask|${nonce}|${partitions.join(',')}`));
      const deadline = Date.now() + checkMs;
      while (ask.acks < receivers && Date.now() < deadline && !this.#closed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, Math.max(1, deadline - Date.now())).unref();
        });
      }
    } finally {
      this.#asking.delete(nonce);
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#unheard.clear();
    for (const ask of this.#asking.values()) ask.wake();
  }
}
