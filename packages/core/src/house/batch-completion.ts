import { toPublicAuction } from '../engine/public-view.js';
import type { AuctionEvent, PublicAuction } from '../engine/types.js';
import type { CommitBatch } from '../ports/auction-store.js';
import type { BroadcastMessage } from '../ports/broadcaster.js';
import type { BatchJudge, Judgement } from './batch-judge.js';
import { dependencyOf } from './house-health.js';
import type { HouseOperation } from './house-types.js';
import type { SequencedCommand } from './sequenced-command.js';
import type { RoutedAnswers, SequencerEnvironment, SequencerLinks } from './sequencer-links.js';
import { storeRejection } from './store-rejection.js';

/** A judged batch made ready to commit: the commit, and what to cache and publish once it lands. */
export interface PreparedBatch {
  readonly judgement: Judgement;
  readonly commit: CommitBatch | null;
  readonly snapshots: readonly PublicAuction[];
  /** The message to publish, made before the commit when the commit publishes it. */
  readonly message: BroadcastMessage | null;
}

/** The queue calls of one partition's writer: a failure is reported, and so is the recovery, once. */
export class QueueReports {
  readonly #env: SequencerEnvironment;
  readonly #links: SequencerLinks;
  readonly #partition: number;
  #failing: HouseOperation | null = null;
  /** When an acknowledgement last failed. */
  troubleAt = 0;

  constructor(env: SequencerEnvironment, links: SequencerLinks, partition: number) {
    this.#env = env;
    this.#links = links;
    this.#partition = partition;
  }

  failed(operation: HouseOperation, error: unknown): void {
    this.#env.stats.queueErrors++;
    this.#failing = operation;
    this.#links.health.failed(operation, this.#partition, error);
  }

  answered(): void {
    if (this.#failing === null) return;
    this.#links.health.recovered(dependencyOf(this.#failing), this.#partition);
    this.#failing = null;
  }
}

/**
 * What follows a commit of one partition: queue entries acknowledged, views cached, callers
 * answered, deadlines moved and the batch's message published, in commit order.
 */
export class BatchCompletion {
  readonly #env: SequencerEnvironment;
  readonly #links: SequencerLinks;
  readonly #partition: number;
  readonly #judge: BatchJudge;
  readonly #queue: QueueReports;
  /** Ids of committed entries not yet acknowledged (waiting for the ack in flight, or after a failed one). */
  #unacked: string[] = [];
  /** The acknowledgements in flight: they run beside the next batch, off the callers' path. */
  #acking: Promise<void> | null = null;

  constructor(
    env: SequencerEnvironment,
    links: SequencerLinks,
    partition: number,
    judge: BatchJudge,
    queue: QueueReports,
  ) {
    this.#env = env;
    this.#links = links;
    this.#partition = partition;
    this.#judge = judge;
    this.#queue = queue;
  }

  /** Resolves once the acknowledgements in flight are done. */
  async acked(): Promise<void> {
    await this.#acking;
  }

  /** The commit, views and message of a judged batch. */
  prepare(judgement: Judgement, fencingToken: number): PreparedBatch {
    const { commitFillsCache, cacheShared, commitPublishes } = this.#env.capabilities;
    const { changed, ledger, outcomes, freshBidIds, events } = judgement;
    // Views go to the cache (unless the commit fills it) and to broadcasts (unless it is shared).
    const snapshots = commitFillsCache && cacheShared ? [] : changed.map(toPublicAuction);
    const message = commitPublishes ? this.messageOf(events, snapshots) : null;
    const commit: CommitBatch | null =
      changed.length > 0 || outcomes.length > 0
        ? {
            partition: this.#partition,
            fencingToken,
            states: changed,
            entries: ledger,
            outcomes,
            freshBidIds,
            broadcast: message,
          }
        : null;
    return { judgement, commit, snapshots, message };
  }

  /** What to publish for a batch; null when it has nothing for anyone. */
  messageOf(events: readonly AuctionEvent[], snapshots: readonly PublicAuction[]): BroadcastMessage | null {
    if (events.length === 0) return null;
    return {
      partition: this.#partition,
      origin: this.#env.houseId,
      events,
      snapshots: this.#env.capabilities.cacheShared ? [] : snapshots,
    };
  }

  /**
   * A committed batch: acknowledge its queue entries, cache, answer and publish. Returns a
   * promise only when the views go to a cache first.
   */
  complete(entries: readonly SequencedCommand[], batch: PreparedBatch): Promise<void> | undefined {
    this.acknowledge(entries);
    // Read-your-writes: a caller told "accepted" then reading the auction sees its bid.
    if (batch.snapshots.length > 0 && !this.#env.capabilities.commitFillsCache)
      return this.#cache(batch.snapshots).then(() => this.#finish(entries.length, batch));
    this.#finish(entries.length, batch);
    return undefined;
  }

  /**
   * A command the store refuses on its own: rejected with STORE_REJECTED (nothing of it was
   * written, and sending it again gets the same answer) and acknowledged off the queue.
   */
  refuse(entry: SequencedCommand, error: unknown): void {
    const outcome = storeRejection(entry.command, error);
    this.acknowledge([entry]);
    this.#env.stats.refusedCommands++;
    this.#links.health.refused(this.#partition, entry, error);
    this.#send(this.#links.answers.answer([{ entry, outcome }]));
  }

  /**
   * Acknowledge after the commit, without holding up the answers or the next batch: a later
   * read only takes new entries. One ack at a time; ids that arrive meanwhile go with the next.
   * A failed ack must not re-run a committed batch: its ids are kept and sent again with the
   * next batch's (a redelivery meanwhile is judged as a repeat).
   */
  acknowledge(entries: readonly SequencedCommand[]): void {
    for (const entry of entries) if (entry.id !== '') this.#unacked.push(entry.id);
    if (this.#unacked.length === 0) return;
    this.#acking ??= this.#sendAcks().finally(() => {
      this.#acking = null;
    });
  }

  async #sendAcks(): Promise<void> {
    while (this.#unacked.length > 0) {
      const ids = this.#unacked;
      this.#unacked = [];
      try {
        await this.#env.queue.ack(this.#partition, ids);
        this.#queue.answered();
      } catch (error) {
        this.#queue.failed('ack', error);
        this.#queue.troubleAt = this.#env.clock.now();
        this.#unacked = ids.concat(this.#unacked);
        return;
      }
    }
  }

  /** Put fresh views in the cache before callers are answered; never throws. */
  #cache(snapshots: readonly PublicAuction[]): Promise<void> {
    const { cache, capabilities } = this.#env;
    const stored = cache.setMany(snapshots).catch((error: unknown) => this.#links.health.problem('cache', null, error));
    // A cache of this process is written at once; a shared one would cost a round trip per
    // batch before answering, so its write goes out alongside the answers instead.
    return capabilities.cacheShared ? Promise.resolve() : stored;
  }

  #finish(commands: number, batch: PreparedBatch): void {
    const { stats } = this.#env;
    stats.batches++;
    stats.commands += commands;
    if (commands > stats.maxBatch) stats.maxBatch = commands;
    const { judgement } = batch;
    for (const { auctionId, at } of this.#judge.committed(judgement)) this.#links.deadlines.arm(auctionId, at);
    const routed = this.#links.answers.answer(judgement.answers);
    // A message made before the commit went to the store with it: published here, it reaches
    // this process's subscribers (the broadcaster knows what the store published already).
    this.#publish(
      this.#env.capabilities.commitPublishes ? batch.message : this.messageOf(judgement.events, batch.snapshots),
    );
    // After the message: a cache filled from broadcasts holds the views before their callers hear.
    this.#send(routed);
  }

  /** Each other house gets the outcomes of its own callers, and nothing else. */
  #send(routed: RoutedAnswers | null): void {
    if (routed === null) return;
    const { broadcaster } = this.#env;
    for (const [origin, outcomes] of routed) {
      broadcaster
        .sendAnswers(origin, outcomes)
        .catch((error: unknown) => this.#links.health.problem('publish', this.#partition, error));
    }
  }

  #publish(message: BroadcastMessage | null): void {
    if (message === null) return;
    this.#env.broadcaster
      .publish(message)
      .catch((error: unknown) => this.#links.health.problem('publish', this.#partition, error));
  }
}
