import type { AuctionState } from '../engine/types.js';
import type { Lease } from '../ports/lock.js';
import { BatchCompletion, QueueReports } from './batch-completion.js';
import { BatchJudge, dueOf } from './batch-judge.js';
import { CommitPipeline } from './commit-pipeline.js';
import { notFresh, type SequencedCommand } from './sequenced-command.js';
import type { SequencerEnvironment, SequencerLinks } from './sequencer-links.js';

export interface SequencerOptions {
  readonly maxBatch: number;
  readonly recentBids: number;
  readonly retryDelayMs: number;
  /** Commits sent before the previous one returns (1 unless the store applies them in order). */
  readonly maxCommitsInFlight: number;
  /** Waiting commands are shared over free commit slots only when each share has at least this many. */
  readonly minPipelinedBatch: number;
  /** Entries other consumers have left unacknowledged this long are taken over (see #sweepDue). */
  readonly staleEntryMs: number;
  /** A partition whose commits (or loads) keep failing this long is given up, for a house that can. */
  readonly giveUpAfterMs: number;
  /** Other houses commit bids to this partition's auctions: each batch reads its auctions first. */
  readonly readEachBatch: boolean;
}

/**
 * Entries claimed from another consumer were delivered before and may have been committed by
 * it: none is fresh, whatever the queue kept.
 */
function delivered(entries: SequencedCommand[]): SequencedCommand[] {
  if (!entries.some((entry) => entry.fresh === true)) return entries;
  return entries.map(notFresh);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The single writer of one partition. It takes commands from the queue and, without a trip
 * through it, from this process's intake, in FIFO order; a BatchJudge judges them against the
 * partition's auctions in memory, and a CommitPipeline writes each batch in one store commit
 * (group commit) before its callers are answered and its events published.
 */
export class Sequencer {
  readonly partition: number;
  readonly #env: SequencerEnvironment;
  readonly #links: SequencerLinks;
  readonly #options: SequencerOptions;
  readonly #judge: BatchJudge;
  readonly #queueReports: QueueReports;
  readonly #completion: BatchCompletion;
  readonly #pipeline: CommitPipeline;
  #lease: Lease;
  #running = false;
  #loop: Promise<void> = Promise.resolve();
  /** Commands handed over in memory by this process's intake, in arrival order. */
  #inbox: SequencedCommand[] = [];
  /** Wakes the consume loop waiting for the inbox or the queue read. */
  #wake: (() => void) | null = null;
  /** When the queue was last looked at for entries left with other consumers. */
  #sweptAt = 0;

  constructor(
    env: SequencerEnvironment,
    links: SequencerLinks,
    partition: number,
    lease: Lease,
    options: SequencerOptions,
  ) {
    this.#env = env;
    this.#links = links;
    this.partition = partition;
    this.#lease = lease;
    this.#options = options;
    this.#judge = new BatchJudge(options.recentBids);
    this.#queueReports = new QueueReports(env, links, partition);
    this.#completion = new BatchCompletion(env, links, partition, this.#judge, this.#queueReports);
    this.#pipeline = new CommitPipeline(env, links, this.#judge, this.#completion, {
      partition,
      retryDelayMs: options.retryDelayMs,
      giveUpAfterMs: options.giveUpAfterMs,
      lease: () => this.#lease,
      running: () => this.#running,
      readEachBatch: options.readEachBatch,
      onSettled: () => this.#wake?.(),
    });
  }

  get lease(): Lease {
    return this.#lease;
  }

  set lease(lease: Lease) {
    this.#lease = lease;
  }

  get running(): boolean {
    return this.#running;
  }

  /** The state this writer holds, or undefined when not loaded. */
  stateOf(auctionId: string): AuctionState | undefined {
    return this.#judge.stateOf(auctionId);
  }

  /** How many auctions are held in memory. */
  get auctionCount(): number {
    return this.#judge.size;
  }

  /** Ids of the auctions held in memory. */
  auctionIds(): IterableIterator<string> {
    return this.#judge.auctionIds();
  }

  /** When a commit of this sequencer last landed (Date.now), 0 before the first. */
  get landedAt(): number {
    return this.#pipeline.landedAt;
  }

  /** Load the partition's live auctions, take over entries a dead owner left, then consume. */
  async start(): Promise<void> {
    this.#running = true;
    const active = await this.#env.store.listActive(this.partition);
    this.#judge.absorb(active, []);
    for (const state of active) {
      const due = dueOf(state);
      if (due !== null) this.#links.deadlines.arm(state.spec.id, due);
    }
    this.#loop = this.#consume();
  }

  /**
   * Judge commands taken in by this process without a trip through the queue: the caller and
   * the writer share the process, so a crash loses nothing anybody was promised. False once
   * stopping (the caller then queues them for the next owner).
   */
  offer(items: readonly SequencedCommand[]): boolean {
    if (!this.#running) return false;
    for (const item of items) this.#inbox.push(item);
    this.#wake?.();
    return true;
  }

  /** Finish the batch in hand, then stop consuming. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#env.queue.interrupt();
    await this.#loop;
    await this.#completion.acked();
    // A blocked read left running would take commands meant for the next owner.
    await this.#env.queue.release(this.partition, this.#env.houseId).catch(() => {
      this.#env.stats.queueErrors++;
    });
  }

  async #consume(): Promise<void> {
    const { queue, houseId } = this.#env;
    const pipeline = this.#pipeline;
    const max = this.#options.maxBatch;
    try {
      // Entries delivered to a previous owner and never acknowledged come first: FIFO holds.
      for (;;) {
        const stale = await this.#retrying(async () =>
          delivered(await queue.claimStale(this.partition, houseId, 0, max)),
        );
        if (stale === null || stale.length === 0) break;
        await pipeline.submit(stale, []);
        await pipeline.drain();
      }
      this.#sweptAt = this.#env.clock.now();
      // The queue read stays outstanding while local commands are judged; its entries join
      // the batch after it returns.
      let reading: { entries: SequencedCommand[] | null; done: boolean } | null = null;
      while (this.#running) {
        if (reading === null) {
          const current: { entries: SequencedCommand[] | null; done: boolean } = { entries: null, done: false };
          reading = current;
          void this.#retrying(() => queue.read(this.partition, houseId, { max, blockMs: 1_000 })).then((entries) => {
            current.entries = entries;
            current.done = true;
            this.#wake?.();
          });
        }
        if (!reading.done && this.#inbox.length === 0 && !pipeline.hasRetry && !pipeline.headFinished)
          await this.#somethingToDo();
        this.#wake = null;
        const settling = pipeline.settleFinished();
        if (settling !== undefined) await settling;
        while (pipeline.size >= this.#options.maxCommitsInFlight) await pipeline.settleHead();
        if (pipeline.hasRetry) {
          if (this.#running) await pipeline.submitRetry();
          continue;
        }
        if (this.#sweepDue()) {
          // Tried once: a failure waits for the next sweep instead of holding up the commands here.
          const stale = await queue
            .claimStale(this.partition, houseId, this.#options.staleEntryMs, max)
            .then(delivered)
            .catch((error: unknown): SequencedCommand[] => {
              this.#queueReports.failed('queue-read', error);
              return [];
            });
          // Older than anything waiting here: judged first.
          if (stale.length > 0) {
            await pipeline.submit(stale, []);
            continue;
          }
        }
        let queued: SequencedCommand[] = [];
        if (reading.done) {
          queued = reading.entries ?? [];
          reading = null;
        }
        // Local commands first: a close (always queued) then follows every bid this process took in before it.
        const take = this.#share(this.#inbox.length);
        const local = this.#inbox.length <= take ? this.#inbox : this.#inbox.slice(0, take);
        this.#inbox = local === this.#inbox ? [] : this.#inbox.slice(take);
        if (local.length === 0 && queued.length === 0) continue;
        const loading = pipeline.submit(queued.length === 0 ? local : local.concat(queued), local);
        if (loading !== undefined) await loading;
      }
      await pipeline.drain();
      // Stopping: what was handed over but not judged goes to the next owner through the queue.
      this.#rerouteLocal();
    } catch (error) {
      this.#running = false;
      // Whatever is still in flight settles first: its local commands are rerouted only if it failed.
      await pipeline.abandon();
      this.#rerouteLocal();
      this.#links.owner.lost(this.partition, error);
    }
  }

  /**
   * How many of `waiting` local commands to judge now: all of them, unless commit slots are
   * free and there are enough to fill them, in which case they are shared over the free slots
   * so that the next batch is judged while this one is in flight.
   */
  #share(waiting: number): number {
    const { maxBatch, maxCommitsInFlight, minPipelinedBatch } = this.#options;
    const free = maxCommitsInFlight - this.#pipeline.size;
    const share = free > 1 && waiting >= 2 * minPipelinedBatch ? Math.ceil(waiting / free) : waiting;
    return Math.min(maxBatch, share);
  }

  /**
   * Time to take over entries other consumers left unacknowledged: a read of a process that
   * froze or was cut off can stay waiting in the queue's server and be given entries after
   * this sequencer's first claim. This sequencer's own entries are acknowledged within moments
   * of their commit, so a claim of entries idle for `staleEntryMs` takes only others'; not
   * while its own commits or acknowledgements fail, which leaves its entries pending longer.
   */
  #sweepDue(): boolean {
    const now = this.#env.clock.now();
    const { staleEntryMs } = this.#options;
    const troubleAt = Math.max(this.#pipeline.troubleAt, this.#queueReports.troubleAt);
    if (now - this.#sweptAt < staleEntryMs / 2 || now - troubleAt < staleEntryMs) return false;
    this.#sweptAt = now;
    return true;
  }

  /** Resolves when commands are handed over, the queue read returns or a commit settles. */
  #somethingToDo(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  #rerouteLocal(): void {
    const items = this.#pipeline.takeUncommittedLocal().concat(this.#inbox);
    this.#inbox = [];
    if (items.length === 0) return;
    // A failed commit may have landed: without `fresh`, the next owner looks each bid up first.
    this.#links.answers.forward(
      this.partition,
      items.map(({ command, origin, commandId, local }) => ({ command, origin, commandId, local })),
    );
  }

  /** A queue that fails for a moment (a dropped connection) is waited for, not given up on. */
  async #retrying<T>(read: () => Promise<T>): Promise<T | null> {
    for (let attempt = 0; this.#running; attempt++) {
      try {
        const result = await read();
        this.#queueReports.answered();
        return result;
      } catch (error) {
        this.#queueReports.failed('queue-read', error);
        await sleep(Math.min(this.#options.retryDelayMs * 2 ** attempt, 2_000));
      }
    }
    return null;
  }
}
