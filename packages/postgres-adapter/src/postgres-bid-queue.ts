import {
  type BidQueue,
  commandJson,
  type QueuedCommand,
  type QueueItem,
  type ReadOptions,
} from '@outcry/core/adapter-kit';
import type { AuctionCommand } from '@outcry/core/engine';
import type { Pool } from 'pg';
import type { NotificationListener } from './notification-listener.js';
import { toOutcryError } from './postgres-errors.js';
import type { Statement, Statements } from './sql.js';

interface QueueRow {
  id: string;
  command: AuctionCommand;
  origin: string;
  command_id: string;
}

/** Ids are bigints as decimal strings: shorter is smaller, then text order. */
function compareIds(a: QueueRow, b: QueueRow): number {
  return a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function toQueued(rows: QueueRow[]): QueuedCommand[] {
  // UPDATE … RETURNING gives no order: FIFO is restored by id.
  return rows
    .sort(compareIds)
    .map((row) => ({ id: row.id, command: row.command, origin: row.origin, commandId: row.command_id }));
}

/** A parked `read` waiting for an enqueue on its partition. */
interface Sleeper {
  readonly partition: number;
  readonly finish: (why: 'notified' | 'interrupted') => void;
}

/**
 * BidQueue on a PostgreSQL table. Enqueue is one multi-row insert that also NOTIFYs the
 * partition; read claims waiting rows with FOR UPDATE SKIP LOCKED in id order and marks them
 * delivered (consumer, delivered_at); ack deletes; claimStale re-delivers rows whose consumer
 * has been silent for minIdleMs. NOTIFY only wakes blocked reads early: a read also looks
 * again when blockMs is up, and after the listening connection comes back.
 */
export class PostgresBidQueue implements BidQueue {
  readonly #pool: Pool;
  readonly #sql: Statements;
  readonly #listener: NotificationListener;
  readonly #channel: string;
  readonly #sleepers = new Set<Sleeper>();
  /** Counts interrupts, so that a read not yet asleep when one comes still ends at once. */
  #interrupts = 0;
  /** Enqueue notifications seen per partition: a read compares it before and after its query. */
  readonly #seen = new Map<number, number>();
  #listening: Promise<unknown> | null = null;
  #unlisten: (() => Promise<void>) | null = null;
  #removeReconnect: (() => void) | null = null;

  constructor(pool: Pool, statements: Statements, listener: NotificationListener, channel: string) {
    this.#pool = pool;
    this.#sql = statements;
    this.#listener = listener;
    this.#channel = channel;
  }

  async #query<R extends object>(statement: Statement, values: unknown[], what: string): Promise<R[]> {
    try {
      return (await this.#pool.query<R>({ name: statement.name, text: statement.text, values })).rows;
    } catch (error) {
      throw toOutcryError(error, what);
    }
  }

  /** LISTEN once, on the first blocking read. */
  #listen(): Promise<unknown> {
    this.#listening ??= this.#listener
      .listen(this.#channel, (payload) => this.#notified(Number(payload)))
      .then((unlisten) => {
        this.#unlisten = unlisten;
        this.#removeReconnect = this.#listener.onReconnect(() => this.interrupt());
      })
      .catch((error: unknown) => {
        this.#listening = null;
        throw toOutcryError(error, 'Listening for queue notifications');
      });
    return this.#listening;
  }

  #notified(partition: number): void {
    this.#seen.set(partition, (this.#seen.get(partition) ?? 0) + 1);
    for (const sleeper of [...this.#sleepers]) if (sleeper.partition === partition) sleeper.finish('notified');
  }

  async enqueue(partition: number, items: readonly QueueItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.#query(
      this.#sql.enqueue,
      [
        partition,
        items.map((item) => commandJson(item.command)),
        items.map((item) => item.origin),
        items.map((item) => item.commandId),
        this.#channel,
      ],
      'Enqueueing commands',
    );
    // Readers in this process need not wait for the NOTIFY to come back from the server.
    this.#notified(partition);
  }

  async read(partition: number, consumer: string, options: ReadOptions): Promise<QueuedCommand[]> {
    const deadline = Date.now() + options.blockMs;
    // An interrupt while this read is still listening or querying counts too, not only in its sleep.
    const interrupts = this.#interrupts;
    if (options.blockMs > 0) await this.#listen();
    for (;;) {
      const seen = this.#seen.get(partition) ?? 0;
      const rows = await this.#query<QueueRow>(this.#sql.read, [partition, consumer, options.max], 'Reading the queue');
      if (rows.length > 0) return toQueued(rows);
      const left = deadline - Date.now();
      if (left <= 0) return [];
      // A notification that came while the query ran means: look again at once.
      if ((this.#seen.get(partition) ?? 0) !== seen) continue;
      if (this.#interrupts !== interrupts) return [];
      const woken = await this.#sleep(partition, left);
      if (woken === 'interrupted') return [];
    }
  }

  #sleep(partition: number, ms: number): Promise<'notified' | 'timeout' | 'interrupted'> {
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        partition,
        finish: (why) => {
          clearTimeout(timer);
          this.#sleepers.delete(sleeper);
          resolve(why);
        },
      };
      const timer = setTimeout(() => {
        this.#sleepers.delete(sleeper);
        resolve('timeout');
      }, ms);
      this.#sleepers.add(sleeper);
    });
  }

  async ack(partition: number, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#query(this.#sql.ack, [partition, ids], 'Acknowledging queue entries');
  }

  async claimStale(partition: number, consumer: string, minIdleMs: number, max: number): Promise<QueuedCommand[]> {
    const rows = await this.#query<QueueRow>(
      this.#sql.claimStale,
      [partition, consumer, minIdleMs, max],
      'Claiming stale queue entries',
    );
    return toQueued(rows);
  }

  async depth(partition: number): Promise<number> {
    const rows = await this.#query<{ depth: number }>(this.#sql.depth, [partition], 'Counting the queue');
    return rows[0]?.depth ?? 0;
  }

  /** Wakes every blocked read, which then answers [] (a stopping consumer leaves). */
  /** Reads end when `read` returns: nothing of a consumer is left running. */
  async release(): Promise<void> {}

  interrupt(): void {
    this.#interrupts++;
    for (const sleeper of [...this.#sleepers]) sleeper.finish('interrupted');
  }

  /** Stops listening; the pool and the listening connection belong to the adapters. */
  async close(): Promise<void> {
    this.interrupt();
    this.#removeReconnect?.();
    await this.#unlisten?.();
  }
}
