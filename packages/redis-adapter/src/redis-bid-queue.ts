import { connectionErrorLog, type HouseLogger, silentLogger } from '@outcry/core';
import type { BidQueue, QueuedCommand, QueueItem, ReadOptions } from '@outcry/core/adapter-kit';
import type { RedisKeys } from './keys.js';
import { runScript } from './lua-scripts.js';
import type { OutcomePrefetch } from './outcome-prefetch.js';
import { parseEntries, pushItemArgs, type StreamEntry } from './queue-entries.js';
import { duplicateClient, isCluster, type RedisClient } from './redis-client.js';
import { SameTickCalls, sendTogether, type WaitingCall } from './same-tick-calls.js';

/** What a RedisBidQueue needs. */
export interface RedisBidQueueOptions {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
  /** Consumer group of every partition's stream ('sequencers'). */
  readonly group?: string;
  /**
   * Where reads leave the stored outcomes of the bids they deliver, for the store of the same
   * adapters (on a single server only, where one script may read every partition's outcomes).
   */
  readonly prefetch?: { readonly outcomes: OutcomePrefetch; readonly partitions: number };
  /** A consumer idle this long with nothing pending is deleted at the next takeover (60,000 ms). */
  readonly idleConsumerMs?: number;
  /** Where the errors of the reading connections this queue makes are written (silent by default). */
  readonly logger?: HouseLogger;
}

/** Depth and lag of one partition's stream. */
export interface BidQueueStats {
  /** Entries not acknowledged yet: waiting plus delivered. */
  readonly depth: number;
  /** Delivered to a consumer, not acknowledged yet. */
  readonly pending: number;
  /** Never delivered yet (the group's lag). */
  readonly lag: number;
}

/** One partition's items for the enqueue script. */
interface EnqueueCall {
  readonly partition: number;
  readonly items: readonly QueueItem[];
}

/** A read of one partition's waiting entries. */
interface ReadCall {
  readonly partition: number;
  readonly consumer: string;
  readonly max: number;
}

/** One stream's part of the read-batch script's reply: entries, bidIds, their outcomes (or null). */
type ReadReply = [StreamEntry[], string[], (string | null)[]];

/** Entries of one partition to acknowledge. */
interface AckCall {
  readonly partition: number;
  readonly ids: readonly string[];
}

/** One partition's dedicated connection for blocking reads, and the read it is busy with. */
interface Reader {
  readonly connection: RedisClient;
  inflight: { readonly consumer: string; readonly result: Promise<QueuedCommand[]> } | null;
  /** The last blocking read ran out its BLOCK with nothing: the partition is idle. */
  idle: boolean;
}

type StreamReply = Array<[stream: string, entries: StreamEntry[]]> | null;

const ERROR_BACKOFF_MS = 100;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isNoGroup(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOGROUP');
}

/**
 * BidQueue on Redis Streams: one stream per partition with one consumer group. A blocking read
 * runs on a connection of its own per partition (made with duplicate() on first use), so it never
 * holds up the shared client. Acknowledged entries are deleted, so a stream's length is its depth.
 */
export class RedisBidQueue implements BidQueue {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #group: string;
  readonly #readers = new Map<number, Reader>();
  readonly #groups = new Set<number>();
  /** `partition consumer` pairs that may hold delivered entries no read returned (after a dropped connection). */
  readonly #orphans = new Set<string>();
  readonly #sleepers = new Set<() => void>();
  readonly #prefetch: OutcomePrefetch | undefined;
  /** Outcome hashes the read script looks bids up in (every partition's, or none). */
  readonly #outcomeKeys: readonly string[];
  readonly #idleConsumerMs: number;
  /** Enqueues of one turn, sent as one script call (one server only: a script stays on one node). */
  readonly #enqueues: SameTickCalls<EnqueueCall, void> | null;
  /** Acknowledgements of one turn, likewise. */
  readonly #acks: SameTickCalls<AckCall, void> | null;
  /** Reads of waiting entries of one turn, likewise. */
  readonly #reads: SameTickCalls<ReadCall, ReadReply | undefined> | null;
  /** The turn the reads of this one wait for (see #nextTurn). */
  #turn: Promise<void> | null = null;
  #closed = false;
  /** Entries whose payload was not a queue item (written by another program): acknowledged unjudged. */
  unreadable = 0;

  readonly #connectionError: (error: unknown) => void;

  constructor(options: RedisBidQueueOptions) {
    this.#connectionError = connectionErrorLog(options.logger ?? silentLogger, 'Redis queue reader');
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#group = options.group ?? 'sequencers';
    this.#idleConsumerMs = options.idleConsumerMs ?? 60_000;
    const cluster = isCluster(options.redis);
    this.#enqueues = cluster ? null : new SameTickCalls((calls) => this.#enqueueTogether(calls));
    this.#reads = cluster ? null : new SameTickCalls((calls) => this.#readTogether(calls));
    this.#acks = cluster
      ? null
      : new SameTickCalls((calls) => {
          this.#sendAcks(calls.map((call) => call.item));
          for (const call of calls) call.resolve();
        });
    const prefetch = isCluster(options.redis) ? undefined : options.prefetch;
    this.#prefetch = prefetch?.outcomes;
    this.#outcomeKeys =
      prefetch === undefined ? [] : Array.from({ length: prefetch.partitions }, (_, p) => this.#keys.outcomes(p));
  }

  async enqueue(partition: number, items: readonly QueueItem[]): Promise<void> {
    if (items.length === 0) return;
    const call: EnqueueCall = { partition, items };
    await (this.#enqueues === null ? this.#enqueueAlone(call, true) : this.#enqueues.add(call));
    this.#groups.add(partition);
  }

  async #enqueueAlone(call: EnqueueCall, keepFresh: boolean): Promise<void> {
    const args = [this.#group, String(call.items.length)];
    pushItemArgs(call.items, args, keepFresh);
    await runScript(this.#redis, 'enqueue', [this.#keys.stream(call.partition)], args);
  }

  /**
   * Several partitions' items in one script call. A call that fails as a whole is sent again
   * partition by partition, so that each hears its own error; the failed call may have added
   * some of its entries, so the items sent again are not fresh (their bids are looked up).
   */
  #enqueueTogether(calls: ReadonlyArray<WaitingCall<EnqueueCall, void>>): void {
    sendTogether(calls, {
      alone: (item) => this.#enqueueAlone(item, true),
      again: (item) => this.#enqueueAlone(item, false),
      together: async (items) => {
        const args = [this.#group];
        for (const item of items) args.push(String(item.items.length));
        for (const item of items) pushItemArgs(item.items, args, true);
        const keys = items.map((item) => this.#keys.stream(item.partition));
        await runScript(this.#redis, 'enqueue', keys, args);
        return items.map(() => undefined);
      },
    });
  }

  async #ensureGroup(partition: number, force = false): Promise<void> {
    if (!force && this.#groups.has(partition)) return;
    try {
      await this.#redis.xgroup('CREATE', this.#keys.stream(partition), this.#group, '0', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
    this.#groups.add(partition);
  }

  async #readGroup(
    client: RedisClient,
    partition: number,
    consumer: string,
    max: number,
    blockMs: number,
    from: '>' | '0',
  ): Promise<QueuedCommand[]> {
    const block = blockMs > 0 ? ['BLOCK', blockMs] : [];
    const args = [
      'GROUP',
      this.#group,
      consumer,
      'COUNT',
      max,
      ...block,
      'STREAMS',
      this.#keys.stream(partition),
      from,
    ];
    let reply: StreamReply;
    try {
      reply = (await client.call('XREADGROUP', ...args)) as StreamReply;
    } catch (error) {
      if (!isNoGroup(error)) throw error;
      await this.#ensureGroup(partition, true);
      reply = (await client.call('XREADGROUP', ...args)) as StreamReply;
    }
    const entries = reply?.[0]?.[1] ?? [];
    const { commands, deleted, unreadable } = parseEntries(entries, from === '>');
    this.unreadable += unreadable;
    if (deleted.length > 0) await this.ack(partition, deleted);
    return commands;
  }

  async read(partition: number, consumer: string, options: ReadOptions): Promise<QueuedCommand[]> {
    if (this.#closed) return [];
    const max = Math.max(1, options.max);
    try {
      await this.#ensureGroup(partition);
      const orphanKey = `${partition} ${consumer}`;
      if (this.#orphans.has(orphanKey)) {
        // Entries delivered on a dropped connection come first: they are the oldest.
        const orphans = await this.#readGroup(this.#redis, partition, consumer, max, 0, '0');
        if (orphans.length > 0) return orphans;
        this.#orphans.delete(orphanKey);
      }
      if (options.blockMs <= 0) return await this.#readNow(partition, consumer, max);
      const reader = this.#readers.get(partition);
      if (reader?.inflight == null && reader?.idle !== true) {
        // One turn of the event loop lets this tick's intake reach the client first; the read
        // then goes on the same connection behind it, so it finds those entries without
        // blocking (and with their bids' outcomes looked up in the same step). Not on an idle
        // partition: a blocking read gives whatever comes at once, and the look first would
        // cost a script call every BLOCK of every partition nobody sends to.
        await this.#nextTurn();
        const ready = await this.#readNow(partition, consumer, max);
        if (ready.length > 0) return ready;
      }
      this.#prefetch?.clear(partition);
      return await this.#blockingRead(partition, consumer, max, options.blockMs);
    } catch (error) {
      if (this.#closed) return [];
      // A sequencer treats a thrown read as a lost partition; a dropped connection is not one.
      // What the failed read may have been given stays pending and is read first next time.
      this.#orphans.add(`${partition} ${consumer}`);
      await sleep(ERROR_BACKOFF_MS);
      if (
        error instanceof Error &&
        /closed|ECONNRE|EPIPE|ETIMEDOUT|max retries|LOADING|TRYAGAIN|CLUSTERDOWN/i.test(error.message)
      ) {
        return [];
      }
      throw error;
    }
  }

  /** Entries waiting now, without blocking, read by a script that also looks up their bids' outcomes. */
  async #readNow(partition: number, consumer: string, max: number): Promise<QueuedCommand[]> {
    const call: ReadCall = { partition, consumer, max };
    const reply = await (this.#reads === null ? this.#readAlone(call) : this.#reads.add(call));
    return this.#delivered(partition, reply);
  }

  async #readAlone(call: ReadCall): Promise<ReadReply | undefined> {
    const { partition, consumer, max } = call;
    const keys = [this.#keys.stream(partition), ...this.#outcomeKeys];
    const args = [this.#group, consumer, max, 1];
    let reply: ReadReply[];
    try {
      reply = (await runScript(this.#redis, 'read-batch', keys, args)) as ReadReply[];
    } catch (error) {
      if (!isNoGroup(error)) throw error;
      await this.#ensureGroup(partition, true);
      reply = (await runScript(this.#redis, 'read-batch', keys, args)) as ReadReply[];
    }
    return reply[0];
  }

  /**
   * The reads of one turn by the same consumer, of several partitions, in one script call; a
   * call that fails as a whole (a stream without its group) is sent again read by read.
   */
  #readTogether(calls: ReadonlyArray<WaitingCall<ReadCall, ReadReply | undefined>>): void {
    const groups = new Map<string, Array<WaitingCall<ReadCall, ReadReply | undefined>>>();
    for (const call of calls) {
      const key = `${call.item.max} ${call.item.consumer}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [call]);
      else group.push(call);
    }
    for (const group of groups.values()) {
      sendTogether(group, {
        alone: (item) => this.#readAlone(item),
        together: async (items) => {
          const keys = items.map((item) => this.#keys.stream(item.partition));
          for (const key of this.#outcomeKeys) keys.push(key);
          const { consumer, max } = items[0] as ReadCall;
          return (await runScript(this.#redis, 'read-batch', keys, [
            this.#group,
            consumer,
            max,
            items.length,
          ])) as ReadReply[];
        },
      });
    }
  }

  /** The commands of one stream's part of a read-batch reply; its prefetched outcomes kept for the store. */
  async #delivered(partition: number, reply: ReadReply | undefined): Promise<QueuedCommand[]> {
    const [entries, bidIds, outcomes] = reply ?? [[], [], []];
    if (this.#prefetch !== undefined) this.#prefetch.put(partition, bidIds, outcomes);
    const { commands, deleted, unreadable } = parseEntries(entries, true);
    this.unreadable += unreadable;
    if (deleted.length > 0) await this.ack(partition, deleted);
    return commands;
  }

  /**
   * Resolves in the next turn of the event loop, the same for every caller of this turn: the
   * reads that wait for it then go out together.
   */
  #nextTurn(): Promise<void> {
    this.#turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.#turn = null;
        resolve();
      }),
    );
    return this.#turn;
  }

  #reader(partition: number): Reader {
    let reader = this.#readers.get(partition);
    if (reader === undefined) {
      // A read resent after a reconnect could skip the entries given to the lost one, so the
      // connection does not resend. ioredis then drops the lost read without settling it: on
      // 'close' the read is given up here, its consumer marked to look at its pending entries
      // first, and the waiting caller woken.
      const connection = duplicateClient(this.#redis, { autoResendUnfulfilledCommands: false });
      const created: Reader = { connection, inflight: null, idle: false };
      connection.on('error', this.#connectionError);
      connection.on('close', () => {
        const lost = created.inflight;
        if (lost === null) return;
        created.inflight = null;
        this.#orphans.add(`${partition} ${lost.consumer}`);
        this.interrupt();
      });
      reader = created;
      this.#readers.set(partition, reader);
    }
    return reader;
  }

  async #blockingRead(partition: number, consumer: string, max: number, blockMs: number): Promise<QueuedCommand[]> {
    const reader = this.#reader(partition);
    let inflight = reader.inflight;
    if (inflight !== null && inflight.consumer !== consumer) {
      // The connection is busy with another consumer's read: whatever it gets is that consumer's.
      this.#orphans.add(`${partition} ${inflight.consumer}`);
      inflight = null;
    }
    if (inflight === null) {
      const result = this.#readGroup(reader.connection, partition, consumer, max, blockMs, '>');
      // An abandoned read that fails must not be an unhandled rejection.
      result.catch(() => undefined);
      inflight = { consumer, result };
      reader.inflight = inflight;
    }
    let wake: (() => void) | undefined;
    const interrupted = new Promise<null>((resolve) => {
      wake = () => resolve(null);
      this.#sleepers.add(wake);
    });
    try {
      const commands = await Promise.race([inflight.result, interrupted]);
      // Interrupted: the read goes on; its entries are handed to the next read of this partition.
      if (commands === null) return [];
      if (reader.inflight === inflight) reader.inflight = null;
      reader.idle = commands.length === 0;
      return commands;
    } catch (error) {
      if (reader.inflight === inflight) reader.inflight = null;
      throw error;
    } finally {
      if (wake !== undefined) this.#sleepers.delete(wake);
    }
  }

  /**
   * Sends XACK + XDEL and resolves without waiting for the reply: the ack is off the
   * sequencer's critical path (commit, ack, answer), one round trip less per group commit.
   * On one server, the acks of a turn's partitions go in one call at its end. Commands sent on
   * the client after it resolves (depth, reads of pending entries) run after it, in order. If
   * it fails, the entries stay pending and a later owner judges them again as repeats (bidIds
   * make that harmless); `ackErrors` counts such failures.
   */
  async ack(partition: number, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    // Resolves once the command is queued on the client: what the caller sends next goes after it.
    if (this.#acks === null) this.#sendAcks([{ partition, ids }]);
    else await this.#acks.add({ partition, ids });
  }

  /** One ack script call for entries of several partitions. */
  #sendAcks(acks: ReadonlyArray<AckCall>): void {
    const args = [this.#group];
    for (const { ids } of acks) args.push(String(ids.length));
    for (const { ids } of acks) for (const id of ids) args.push(id);
    const keys = acks.map(({ partition }) => this.#keys.stream(partition));
    runScript(this.#redis, 'ack', keys, args).catch(() => {
      this.ackErrors += acks.length;
    });
  }

  /** Acks whose reply was an error (their entries stay pending). */
  ackErrors = 0;

  async claimStale(partition: number, consumer: string, minIdleMs: number, max: number): Promise<QueuedCommand[]> {
    await this.#ensureGroup(partition);
    const claimed: QueuedCommand[] = [];
    const key = this.#keys.stream(partition);
    let cursor = '0-0';
    do {
      const reply = (await this.#redis.call(
        'XAUTOCLAIM',
        key,
        this.#group,
        consumer,
        Math.max(0, minIdleMs),
        cursor,
        'COUNT',
        max - claimed.length,
      )) as [string, StreamEntry[], string[]?];
      cursor = reply[0];
      const { commands, deleted, unreadable } = parseEntries(reply[1], false);
      this.unreadable += unreadable;
      if (deleted.length > 0) await this.ack(partition, deleted);
      claimed.push(...commands);
    } while (cursor !== '0-0' && claimed.length < max);
    if (claimed.length === 0) await this.#forgetIdleConsumers(partition, consumer);
    return claimed;
  }

  /**
   * Deletes the group's consumers that hold no entry and have been idle for a while: every
   * process start brings a new consumer name, and dead ones would pile up in XINFO. A consumer
   * deleted while alive is harmless: XREADGROUP makes it again.
   */
  async #forgetIdleConsumers(partition: number, self: string): Promise<void> {
    const key = this.#keys.stream(partition);
    try {
      const consumers = (await this.#redis.call('XINFO', 'CONSUMERS', key, this.#group)) as unknown[][];
      for (const fields of consumers) {
        const info = new Map<string, unknown>();
        for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
        const name = String(info.get('name'));
        if (name === self || Number(info.get('pending')) !== 0 || Number(info.get('idle')) < this.#idleConsumerMs)
          continue;
        await this.#redis.xgroup('DELCONSUMER', key, this.#group, name);
      }
    } catch {
      // Housekeeping only: a failure leaves a name in XINFO, nothing else.
    }
  }

  async depth(partition: number): Promise<number> {
    return this.#redis.xlen(this.#keys.stream(partition));
  }

  /** Depth, pending and lag of a partition (XLEN and XINFO GROUPS). */
  async stats(partition: number): Promise<BidQueueStats> {
    const key = this.#keys.stream(partition);
    const [depth, groups] = await Promise.all([
      this.#redis.xlen(key),
      (this.#redis.call('XINFO', 'GROUPS', key) as Promise<unknown[][]>).catch(() => [] as unknown[][]),
    ]);
    for (const fields of groups) {
      const info = new Map<string, unknown>();
      for (let i = 0; i + 1 < fields.length; i += 2) info.set(String(fields[i]), fields[i + 1]);
      if (info.get('name') !== this.#group) continue;
      const pending = Number(info.get('pending') ?? 0);
      const lag = info.get('lag');
      return { depth, pending, lag: lag === null || lag === undefined ? Math.max(0, depth - pending) : Number(lag) };
    }
    return { depth, pending: 0, lag: depth };
  }

  /**
   * Cuts off a blocked read of `consumer` on the partition by dropping its connection: a read
   * only woken by `interrupt` goes on in Redis until its BLOCK runs out, and any entry it were
   * given then would sit pending under a consumer that no longer reads, past the next owner's
   * claim. Given before the lease is released, whatever the read got is pending under
   * `consumer` by the time the next owner claims.
   */
  async release(partition: number, consumer: string): Promise<void> {
    const reader = this.#readers.get(partition);
    if (reader?.inflight == null || reader.inflight.consumer !== consumer) return;
    this.#readers.delete(partition);
    const { connection } = reader;
    const ended = new Promise<void>((resolve) => {
      connection.once('end', () => resolve());
      setTimeout(resolve, 1_000).unref();
    });
    connection.disconnect();
    await ended;
  }

  interrupt(): void {
    const sleepers = [...this.#sleepers];
    this.#sleepers.clear();
    for (const wake of sleepers) wake();
  }

  /** Wakes every read and drops the blocking connections this queue made. */
  async close(): Promise<void> {
    this.#closed = true;
    this.interrupt();
    const readers = [...this.#readers.values()];
    this.#readers.clear();
    for (const reader of readers) reader.connection.disconnect();
  }
}
