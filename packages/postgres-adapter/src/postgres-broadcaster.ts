import { randomBytes } from 'node:crypto';
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
} from '@outcry/core/adapter-kit';
import type { Pool } from 'pg';
import type { NotificationListener } from './notification-listener.js';
import { toOutcryError } from './postgres-errors.js';
import type { Statement, Statements } from './sql.js';

/**
 * NOTIFY payloads must stay under 8,000 bytes. A message whose JSON is larger is stored in
 * `broadcast_overflow` and the notification carries `r<sender>:<partition>:<id>`; an inline one
 * is `m<sender>:<json>`. Answers to one house are `a<length of its id>:<house id><json>`, as
 * many notifications as it takes to stay under the limit. The margin leaves room for the prefix.
 */
export const MAX_INLINE_PAYLOAD_BYTES = 7_900;

interface Subscriber {
  readonly partitions: ReadonlySet<number>;
  readonly handler: BroadcastHandler;
}

/** Figures of one broadcaster. */
export interface BroadcasterStats {
  readonly published: number;
  /** Published through the overflow table because the payload was too large. */
  readonly overflowed: number;
  readonly received: number;
  /** Notifications dropped: unreadable, or an overflow row that could not be fetched. */
  readonly dropped: number;
}

/**
 * Broadcaster on LISTEN/NOTIFY: one channel per schema, the partition inside the payload.
 * Publishes of one partition are sent one after the other, so their notifications keep the
 * order in which the sequencer published them; receivers deliver in notification order, also
 * when an overflow message has to be fetched first. Delivery is at most once: a message sent
 * while the listening connection is down is lost (subscribers detect the gap by `seq`).
 * Answers share the channel: every listener gets them, and a process without the house they
 * are for drops them unread, by the house id at their start.
 */
export class PostgresBroadcaster implements Broadcaster {
  readonly #pool: Pool;
  readonly #sql: Statements;
  readonly #listener: NotificationListener;
  readonly #channel: string;
  readonly #subscribers = new Set<Subscriber>();
  /** House id -> answer handlers, for the houses of this process. */
  readonly #answers = new AnswerHandlers();
  /** The last publish of each partition: the next one starts after it. */
  readonly #publishing = new Map<number, Promise<unknown>>();
  /** Deliveries waiting for an overflow fetch; later notifications queue behind them. */
  #delivering: Promise<void> | null = null;
  #unlisten: (() => Promise<void>) | null = null;
  #listening: Promise<void> | null = null;
  #stats = { published: 0, overflowed: 0, received: 0, dropped: 0 };
  /**
   * Tags this broadcaster's notifications: its own subscribers get a message at publish time,
   * so its echo from the server is skipped (no parse, no overflow fetch for its own messages).
   */
  readonly #sender = randomBytes(6).toString('base64url');

  constructor(pool: Pool, statements: Statements, listener: NotificationListener, channel: string) {
    this.#pool = pool;
    this.#sql = statements;
    this.#listener = listener;
    this.#channel = channel;
  }

  stats(): BroadcasterStats {
    return { ...this.#stats };
  }

  async #query<R extends object>(statement: Statement, values: unknown[], what: string): Promise<R[]> {
    try {
      return (await this.#pool.query<R>({ name: statement.name, text: statement.text, values })).rows;
    } catch (error) {
      throw toOutcryError(error, what);
    }
  }

  publish(message: BroadcastMessage): Promise<void> {
    this.#deliver(message);
    const previous = this.#publishing.get(message.partition) ?? Promise.resolve();
    const sending = previous.catch(() => undefined).then(() => this.#send(message));
    this.#publishing.set(message.partition, sending);
    void sending
      .catch(() => undefined)
      .then(() => {
        if (this.#publishing.get(message.partition) === sending) this.#publishing.delete(message.partition);
      });
    return sending;
  }

  async #send(message: BroadcastMessage): Promise<void> {
    const json = broadcastJson(message);
    const inline = `m${this.#sender}:${json}`;
    if (Buffer.byteLength(inline, 'utf8') <= MAX_INLINE_PAYLOAD_BYTES) {
      await this.#query(this.#sql.notify, [this.#channel, inline], 'Publishing');
    } else {
      // Rows older than a few minutes are of no use to anyone: prune now and then.
      if (this.#stats.overflowed % 100 === 0) await this.#query(this.#sql.pruneOverflow, [], 'Pruning overflow');
      const reference = `r${this.#sender}:${message.partition}:`;
      await this.#query(this.#sql.notifyOverflow, [this.#channel, reference, json], 'Publishing');
      this.#stats.overflowed++;
    }
    this.#stats.published++;
  }

  async subscribe(partitions: readonly number[], handler: BroadcastHandler): Promise<() => Promise<void>> {
    const subscriber: Subscriber = { partitions: new Set(partitions), handler };
    this.#subscribers.add(subscriber);
    try {
      await this.#listen();
    } catch (error) {
      this.#subscribers.delete(subscriber);
      throw error;
    }
    return async () => {
      this.#subscribers.delete(subscriber);
    };
  }

  async #listen(): Promise<void> {
    try {
      this.#listening ??= this.#listener
        .listen(this.#channel, (payload) => this.#receive(payload))
        .then((unlisten) => {
          this.#unlisten = unlisten;
        });
      await this.#listening;
    } catch (error) {
      this.#listening = null;
      throw toOutcryError(error, 'Subscribing to broadcasts');
    }
  }

  /**
   * After every message already being published, so that a process whose cache is filled from
   * broadcasts has the views before the answers.
   */
  async sendAnswers(origin: string, outcomes: readonly RoutedOutcome[]): Promise<void> {
    if (this.#answers.deliver(origin, outcomes)) return;
    await Promise.allSettled(this.#publishing.values());
    const prefix = `a${origin.length}:${origin}`;
    const room = MAX_INLINE_PAYLOAD_BYTES - Buffer.byteLength(prefix, 'utf8');
    for (const json of answerPayloads(outcomes, room)) {
      await this.#query(this.#sql.notify, [this.#channel, prefix + json], 'Sending answers');
    }
  }

  async receiveAnswers(houseId: string, handler: AnswerHandler): Promise<() => Promise<void>> {
    this.#answers.add(houseId, handler);
    try {
      await this.#listen();
    } catch (error) {
      this.#answers.remove(houseId, handler);
      throw error;
    }
    return async () => {
      this.#answers.remove(houseId, handler);
    };
  }

  /** Answers for a house of this process are parsed and handed over; any other house's are dropped unread. */
  #receiveAnswers(payload: string): void {
    const lengthEnd = payload.indexOf(':');
    const length = Number(payload.slice(1, lengthEnd));
    const origin = payload.slice(lengthEnd + 1, lengthEnd + 1 + length);
    if (!this.#answers.has(origin)) return;
    const outcomes = parseAnswers(payload.slice(lengthEnd + 1 + length));
    if (outcomes === null) {
      this.#stats.dropped++;
      return;
    }
    const deliver = () => {
      this.#answers.deliver(origin, outcomes);
    };
    // Behind any message still being fetched: its views come first.
    if (this.#delivering === null) deliver();
    else this.#after(async () => deliver());
  }

  #receive(payload: string): void {
    this.#stats.received++;
    if (payload.startsWith('a')) {
      this.#receiveAnswers(payload);
      return;
    }
    const senderEnd = payload.indexOf(':');
    // Its own subscribers had the message at publish time.
    if (senderEnd > 1 && payload.slice(1, senderEnd) === this.#sender) return;
    if (payload.startsWith('m')) {
      const message = parseBroadcastMessage(payload.slice(senderEnd + 1));
      if (message === null) {
        this.#stats.dropped++;
        return;
      }
      if (this.#delivering === null) this.#deliver(message);
      else this.#after(async () => this.#deliver(message));
      return;
    }
    const match = /^r[\w-]+:(\d+):(\d+)$/.exec(payload);
    if (match === null) {
      this.#stats.dropped++;
      return;
    }
    const partition = Number(match[1]);
    if (!this.#wanted(partition)) return;
    // Fetch at once, deliver in turn.
    const fetching = this.#fetchOverflow(match[2] as string);
    this.#after(async () => {
      const message = await fetching;
      if (message !== null) this.#deliver(message);
    });
  }

  /** Runs `task` after every delivery already queued; the queue empties itself when done. */
  #after(task: () => Promise<void>): void {
    const delivering = (this.#delivering ?? Promise.resolve()).then(task);
    this.#delivering = delivering;
    void delivering.then(() => {
      if (this.#delivering === delivering) this.#delivering = null;
    });
  }

  #wanted(partition: number): boolean {
    for (const subscriber of this.#subscribers) if (subscriber.partitions.has(partition)) return true;
    return false;
  }

  async #fetchOverflow(id: string): Promise<BroadcastMessage | null> {
    try {
      const rows = await this.#query<{ message: string }>(this.#sql.getOverflow, [id], 'Fetching a broadcast');
      const row = rows[0];
      if (row === undefined) {
        this.#stats.dropped++;
        return null;
      }
      const message = parseBroadcastMessage(row.message);
      if (message === null) this.#stats.dropped++;
      return message;
    } catch {
      this.#stats.dropped++;
      return null;
    }
  }

  #deliver(message: BroadcastMessage): void {
    for (const subscriber of this.#subscribers) {
      if (!subscriber.partitions.has(message.partition)) continue;
      try {
        subscriber.handler(message);
      } catch {
        // A throwing handler must not stop delivery to the others.
      }
    }
  }

  /** Stops listening; the pool and the listening connection belong to the adapters. */
  async close(): Promise<void> {
    this.#subscribers.clear();
    this.#answers.clear();
    await Promise.allSettled(this.#publishing.values());
    await this.#unlisten?.();
  }
}

/** The outcomes as JSON arrays of at most `bytes` each (an outcome larger than that goes alone); each written once. */
function answerPayloads(outcomes: readonly RoutedOutcome[], bytes: number): string[] {
  const payloads: string[] = [];
  let items: string[] = [];
  let size = 2;
  for (const outcome of outcomes) {
    const item = answersJson([outcome]).slice(1, -1);
    const length = Buffer.byteLength(item, 'utf8') + 1;
    if (items.length > 0 && size + length > bytes) {
      payloads.push(`[${items.join(',')}]`);
      items = [];
      size = 2;
    }
    items.push(item);
    size += length;
  }
  if (items.length > 0) payloads.push(`[${items.join(',')}]`);
  return payloads;
}
