import { randomBytes } from 'node:crypto';
import { type HouseLogger, OutcryError, silentLogger } from '@outcry/core';
import {
  type AnswerHandler,
  AnswerHandlers,
  answersJson,
  type Broadcaster,
  type BroadcastHandler,
  type BroadcastMessage,
  broadcastJson,
  parseAnswers,
  parseBroadcastMessage,
  type RoutedOutcome,
  type SolePublisher,
} from '@outcry/core/adapter-kit';
import type { RedisKeys } from './keys.js';
import { ListenerCensus } from './listener-census.js';
import { isCluster, type RedisClient } from './redis-client.js';
import { SameTickCalls, type WaitingCall } from './same-tick-calls.js';
import { SubscriberConnection } from './subscriber-connection.js';

/** What a RedisBroadcaster needs. */
export interface RedisBroadcasterOptions {
  readonly redis: RedisClient;
  readonly keys: RedisKeys;
  /**
   * How often a sole publisher asks Redis whether anyone listens to its partitions' channels
   * (1,000 ms); see `setSolePublisher`.
   */
  readonly listenerCheckMs?: number;
  /** Where the errors of the subscriber connection it makes are written (silent by default). */
  readonly logger?: HouseLogger;
}

/** Answers for one house, waiting for the end of the turn. */
interface OutgoingAnswers {
  readonly origin: string;
  readonly outcomes: readonly RoutedOutcome[];
}

interface Subscription {
  readonly partitions: ReadonlySet<number>;
  readonly handler: BroadcastHandler;
}

/**
 * Broadcaster on Redis Pub/Sub: one channel per partition, and one per house for the answers
 * to its callers. On a Cluster it uses sharded Pub/Sub (SPUBLISH/SSUBSCRIBE), so a channel's
 * messages stay on the node of its hash tag.
 * Subscriptions run on one connection of their own (made with duplicate() on first use), which
 * ioredis subscribes again after a reconnect. This instance's own subscribers get its messages
 * directly, without a trip through Redis. Pub/Sub is at most once: a message sent while a
 * subscriber was away is lost to it, which is why every event carries its auction's seq.
 */
export class RedisBroadcaster implements Broadcaster, SolePublisher {
  readonly #redis: RedisClient;
  readonly #keys: RedisKeys;
  readonly #sharded: boolean;
  readonly #subscriptions = new Set<Subscription>();
  /** Channel -> partition, for every channel subscribed. */
  readonly #channels = new Map<string, number>();
  /** Answer channel -> the house it belongs to, for every house of this instance. */
  readonly #answerChannels = new Map<string, string>();
  /** The answer handlers of the houses of this instance: answers to them never cross Redis. */
  readonly #answers = new AnswerHandlers();
  readonly #subscriber: SubscriberConnection;
  /** Messages received from other instances (for metrics). */
  received = 0;
  /** Payloads on the channels that were not broadcasts (another program's, or cut short): dropped. */
  dropped = 0;
  /** Starts every payload this instance publishes: `<random id>|`. */
  readonly #mark = `${randomBytes(6).toString('base64url')}|`;
  /** Messages a commit script publishes: `publish` only hands them out in this process. */
  readonly #byCommit = new WeakSet<BroadcastMessage>();
  /** Partitions only this process publishes for: their channels are not listened to. */
  readonly #sole = new Set<number>();
  /** Partitions this process publishes for beside others: listened to, and left unsent while unheard. */
  readonly #publishing = new Set<number>();
  /** Who listens to the sole partitions (not used on a Cluster). */
  readonly #census: ListenerCensus;
  /** Messages not sent to Redis because nobody outside this process listened there (for metrics). */
  unpublished = 0;
  /** Answers to other instances' houses, sent together at the end of the turn. */
  readonly #outbox = new SameTickCalls<OutgoingAnswers, void>((calls) => this.#publishAnswers(calls));

  constructor(options: RedisBroadcasterOptions) {
    this.#redis = options.redis;
    this.#keys = options.keys;
    this.#sharded = isCluster(options.redis);
    const checkMs = options.listenerCheckMs ?? 1_000;
    if (!Number.isInteger(checkMs) || checkMs < 1) {
      throw new OutcryError('INVALID_INPUT', 'listenerCheckMs must be a positive integer.');
    }
    this.#subscriber = new SubscriberConnection({
      redis: this.#redis,
      logger: options.logger ?? silentLogger,
      name: 'Redis subscriber',
      deliver: (channel, payload) => this.#deliver(channel, payload),
      channels: () => {
        const channels = [...this.#channels.keys(), ...this.#answerChannels.keys()];
        if (this.#census.hearing) channels.push(this.#keys.listeners());
        return channels;
      },
    });
    this.#census = new ListenerCensus({
      redis: this.#redis,
      keys: this.#keys,
      checkMs,
      mark: this.#mark.slice(0, -1),
      sole: () => (this.#publishing.size === 0 ? [...this.#sole] : [...new Set([...this.#sole, ...this.#publishing])]),
      isSole: (partition) => this.#sole.has(partition) || this.#publishing.has(partition),
      listensHere: (partition) => this.#channels.has(this.#keys.channel(partition)),
      subscribe: (channel) => this.#subscriber.subscribe([channel]),
    });
  }

  /**
   * How a commit script publishes `message`: the command, and the payload `publish` would send;
   * null when nobody outside this process listens (see `setSolePublisher`). The message is then
   * one this broadcaster's `publish` only hands out in this process. The channel is the
   * partition's (`RedisKeys.channel`), which shares the commit's hash tag.
   */
  publicationOf(message: BroadcastMessage): { command: 'PUBLISH' | 'SPUBLISH'; payload: string } | null {
    this.#byCommit.add(message);
    if (this.#unsent(message)) return null;
    return { command: this.#sharded ? 'SPUBLISH' : 'PUBLISH', payload: this.#mark + broadcastJson(message) };
  }

  async publish(message: BroadcastMessage): Promise<void> {
    // Subscribers of this instance get the message object at once, in publish order; the copy
    // that comes back from Redis carries this instance's mark and is dropped unparsed.
    this.#handOut(message);
    if (this.#byCommit.delete(message) || this.#unsent(message)) return;
    const channel = this.#keys.channel(message.partition);
    const payload = this.#mark + broadcastJson(message);
    if (this.#sharded) await this.#redis.spublish(channel, payload);
    else await this.#redis.publish(channel, payload);
  }

  #deliver(channel: string, payload: string): void {
    const house = this.#answerChannels.get(channel);
    if (house !== undefined) {
      this.#receiveAnswers(house, payload);
      return;
    }
    if (channel === this.#keys.listeners()) {
      this.#census.receive(payload);
      return;
    }
    if (!this.#channels.has(channel) || payload.startsWith(this.#mark)) return;
    const message = parseBroadcastMessage(payload.slice(payload.indexOf('|') + 1));
    if (message === null) {
      this.dropped++;
      return;
    }
    this.received++;
    this.#handOut(message);
  }

  #handOut(message: BroadcastMessage): void {
    for (const subscription of this.#subscriptions) {
      if (subscription.partitions.has(message.partition)) subscription.handler(message);
    }
  }

  /**
   * Answers to a house of this instance go straight to its handlers; to any other house, to
   * that house's channel, which only the process running it listens to. Sent on the same
   * connection as the commit that published the partition's message, so a process that
   * listens to both (a single server) has the message first.
   */
  async sendAnswers(origin: string, outcomes: readonly RoutedOutcome[]): Promise<void> {
    if (this.#answers.deliver(origin, outcomes)) return;
    await this.#outbox.add({ origin, outcomes });
  }

  /** The answers of one turn, one message per house (in the order they were sent). */
  #publishAnswers(calls: ReadonlyArray<WaitingCall<OutgoingAnswers, void>>): void {
    const byOrigin = new Map<string, Array<WaitingCall<OutgoingAnswers, void>>>();
    for (const call of calls) {
      const same = byOrigin.get(call.item.origin);
      if (same === undefined) byOrigin.set(call.item.origin, [call]);
      else same.push(call);
    }
    for (const [origin, same] of byOrigin) {
      const outcomes = same.length === 1 ? same[0]?.item.outcomes : same.flatMap((call) => call.item.outcomes);
      const channel = this.#keys.answers(origin);
      const payload = answersJson(outcomes ?? []);
      const sent = this.#sharded ? this.#redis.spublish(channel, payload) : this.#redis.publish(channel, payload);
      sent.then(
        () => {
          for (const call of same) call.resolve();
        },
        (error: unknown) => {
          for (const call of same) call.reject(error);
        },
      );
    }
  }

  async receiveAnswers(houseId: string, handler: AnswerHandler): Promise<() => Promise<void>> {
    const channel = this.#keys.answers(houseId);
    if (this.#answers.add(houseId, handler)) {
      this.#answerChannels.set(channel, houseId);
      await this.#subscriber.subscribe([channel]);
    }
    return async () => {
      if (!this.#answers.remove(houseId, handler)) return;
      this.#answerChannels.delete(channel);
      await this.#subscriber.unsubscribe([channel]);
    };
  }

  #receiveAnswers(houseId: string, payload: string): void {
    const outcomes = parseAnswers(payload);
    if (outcomes === null) {
      this.dropped++;
      return;
    }
    this.received++;
    this.#answers.deliver(houseId, outcomes);
  }

  async subscribe(partitions: readonly number[], handler: BroadcastHandler): Promise<() => Promise<void>> {
    const subscription: Subscription = { partitions: new Set(partitions), handler };
    this.#subscriptions.add(subscription);
    await this.#listen([...subscription.partitions]);
    return async () => {
      if (!this.#subscriptions.delete(subscription)) return;
      await this.#stopListening([...this.#channels.values()]);
    };
  }

  /**
   * Stops listening to a partition this process alone publishes for (its own messages would
   * only come back), and listens again when told it no longer is. See `Broadcaster`.
   *
   * While sole, it also looks every `listenerCheckMs` whether any connection listens to the
   * partition's channel (PUBSUB NUMSUB), and while none does, sends its messages nowhere but to
   * this process's subscribers: a partition nobody else watches costs no PUBLISH and no bytes.
   * A process that starts listening to a partition says so on the listeners channel, and a
   * sole publisher that hears it sends again at once; it misses at most the messages sent
   * before that, which Pub/Sub never promised it (events carry seq: a gap is seen and the
   * auction reloaded). While the server has any pattern subscription (PSUBSCRIBE, not counted
   * per channel), every message is sent; and on a Cluster too, whose sharded channels live on
   * different nodes.
   */
  async setSolePublisher(partition: number, sole: boolean): Promise<void> {
    if (sole) {
      this.#sole.add(partition);
      await this.#stopListening([partition]);
      if (!this.#sharded) this.#census.watch();
    } else if (this.#sole.delete(partition)) {
      if (!this.#publishing.has(partition)) this.#census.forget(partition);
      await this.#listen([partition]);
    }
  }

  /**
   * Leaves the messages of a partition this process publishes for beside others unsent while
   * nobody outside this process listens to it, as for a sole partition (see `setSolePublisher`),
   * but keeps listening: the others' messages are this process's subscribers' too.
   */
  async setPublishing(partition: number, publishing: boolean): Promise<void> {
    if (publishing) {
      this.#publishing.add(partition);
      if (!this.#sharded) this.#census.watch();
    } else if (this.#publishing.delete(partition) && !this.#sole.has(partition)) {
      this.#census.forget(partition);
    }
  }

  /** True when nobody outside this process would hear the message. */
  #unsent(message: BroadcastMessage): boolean {
    if (!this.#census.unheard(message.partition)) return false;
    this.unpublished++;
    return true;
  }

  /** True when a subscription wants the partition's messages from other processes. */
  #wanted(partition: number): boolean {
    if (this.#sole.has(partition)) return false;
    for (const subscription of this.#subscriptions) if (subscription.partitions.has(partition)) return true;
    return false;
  }

  /** Subscribes the channels of those partitions that are wanted and not yet listened to. */
  async #listen(partitions: readonly number[]): Promise<void> {
    const fresh: string[] = [];
    for (const partition of partitions) {
      const channel = this.#keys.channel(partition);
      if (!this.#channels.has(channel) && this.#wanted(partition)) {
        this.#channels.set(channel, partition);
        fresh.push(channel);
      }
    }
    if (fresh.length === 0) return;
    await this.#subscriber.subscribe(fresh);
    // A sole publisher that counted no listener here sends again once it hears this (Cluster: always sends).
    if (!this.#sharded && !this.#subscriber.closed)
      await this.#census.announce(fresh.map((channel) => this.#channels.get(channel) as number));
  }

  /** Unsubscribes the channels of those partitions that are listened to and no longer wanted. */
  async #stopListening(partitions: readonly number[]): Promise<void> {
    const unused: string[] = [];
    for (const partition of partitions) {
      const channel = this.#keys.channel(partition);
      if (this.#channels.has(channel) && !this.#wanted(partition)) unused.push(channel);
    }
    if (unused.length === 0 || !this.#subscriber.made) return;
    for (const channel of unused) this.#channels.delete(channel);
    await this.#subscriber.unsubscribe(unused);
  }

  /** Drops the subscriber connection this broadcaster made. */
  async close(): Promise<void> {
    this.#subscriber.close();
    this.#census.close();
    this.#subscriptions.clear();
    this.#channels.clear();
    this.#answerChannels.clear();
    this.#answers.clear();
  }
}
