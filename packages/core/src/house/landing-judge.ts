import type { PartitionFencing } from '../ports/backend.js';
import type { Lease } from '../ports/lock.js';
import { BatchCompletion, QueueReports } from './batch-completion.js';
import { BatchJudge, type Judgement } from './batch-judge.js';
import { commitFailureOf } from './commit-failure.js';
import { CommitPipeline } from './commit-pipeline.js';
import { auctionIdOf, type SequencedCommand } from './sequenced-command.js';
import type { SequencerEnvironment, SequencerLinks } from './sequencer-links.js';

export interface LandingJudgeOptions {
  readonly maxBatch: number;
  readonly retryDelayMs: number;
  /** Failures in a row for this long hand the waiting bids to the partition's owner, through the queue. */
  readonly giveUpAfterMs: number;
}

/** What a landing judge reports to: answers and failures, never ownership or deadlines. */
export type LandingLinks = Pick<SequencerLinks, 'answers' | 'health'>;

/**
 * How long after a refusal every batch of the partition reads its auctions first. Where other
 * houses keep bidding on the partition, its states held here are soon old: each would cost a
 * refusal. Where they stopped, states are held again after this, at the cost of one refusal.
 */
const READ_AFTER_REFUSAL_MS = 10_000;

/** States a landing judge holds at most, about 1 KB each; past it, it lets all go and reads again. */
const MAX_HELD = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
let turnEnd: Promise<void> | null = null;

/**
 * The end of this turn of the event loop (setImmediate), one promise for every judge waiting in
 * it: they resume in one run of the microtask queue, so that the reads and commits they then make
 * leave in one tick, which a store may send as one call (the Redis store joins a tick's commits).
 * Each waiting on its own setImmediate, every partition's commit would go to Redis on its own.
 */
function endOfTurn(): Promise<void> {
  turnEnd ??= new Promise<void>((resolve) =>
    setImmediate(() => {
      turnEnd = null;
      resolve();
    }),
  );
  return turnEnd;
}

const NO_DEADLINES: SequencerLinks['deadlines'] = { arm: () => undefined };
const NOT_AN_OWNER: SequencerLinks['owner'] = { lost: () => undefined, fenced: () => undefined };

/**
 * Judges the bids this house takes in for one partition, whoever owns it (`bidJudging:
 * 'anywhere'`): no trip to the owner's process. A batch is judged against the states this judge
 * holds (read from the store the first time) and commits under the store's checks: the
 * ledger's next seq, and the partition's highest fencing token, which this judge reads and
 * carries without claiming a lease. When another house committed to one of the batch's auctions
 * first, the store refuses the batch (STALE_OWNER): it is read and judged again, and for a while
 * every batch of the partition reads its auctions first. One batch in flight, so that the next is
 * judged on what this one wrote. Deadlines stay with the owner, which reads an auction again
 * before it closes it (an end another house moved is then seen).
 */
export class LandingJudge {
  readonly partition: number;
  readonly #links: LandingLinks;
  readonly #fencing: PartitionFencing;
  readonly #options: LandingJudgeOptions;
  readonly #judge: BatchJudge;
  readonly #pipeline: CommitPipeline;
  #inbox: SequencedCommand[] = [];
  /** The partition's highest fencing token as last read; 0 until read, and after a refusal. */
  #token = 0;
  /**
   * Until when (Date.now) every batch reads its auctions first: set by a refusal, since another
   * house is committing to the partition's auctions too. Otherwise a batch is judged on the
   * states held, and a refusal finds out when one was old.
   */
  #readUntil = 0;
  /** Auctions of the batch in hand whose states were held, not read for it. */
  #held = new Set<string>();
  #running = true;
  #working: Promise<void> | null = null;
  /** Batches refused because the store moved on under them, since the house started. */
  conflicts = 0;

  constructor(
    env: SequencerEnvironment,
    links: LandingLinks,
    partition: number,
    fencing: PartitionFencing,
    options: LandingJudgeOptions,
  ) {
    this.partition = partition;
    this.#links = links;
    this.#fencing = fencing;
    this.#options = options;
    // Each batch reads its auctions: nothing is kept from one to the next but repeated bidIds.
    this.#judge = new BatchJudge(options.maxBatch * 4);
    const full: SequencerLinks = { ...links, deadlines: NO_DEADLINES, owner: NOT_AN_OWNER };
    const completion = new BatchCompletion(env, full, partition, this.#judge, new QueueReports(env, full, partition));
    this.#pipeline = new CommitPipeline(env, full, this.#judge, completion, {
      partition,
      retryDelayMs: options.retryDelayMs,
      giveUpAfterMs: options.giveUpAfterMs,
      lease: () => ({ key: '', owner: env.houseId, token: this.#token, expiresAt: 0 }) satisfies Lease,
      running: () => this.#running,
      readEachBatch: false,
      judgeAgain: (judgement) => this.#refusedOnHeldStates(judgement),
    });
  }

  /** Auctions whose states this judge holds. */
  get held(): number {
    return this.#judge.size;
  }

  /** Bids to judge; they are judged at once, or after the batch in flight. */
  offer(items: readonly SequencedCommand[]): void {
    for (const item of items) this.#inbox.push(item);
    if (this.#working === null && this.#running) {
      this.#working = this.#work().finally(() => {
        this.#working = null;
      });
    }
  }

  /** Finish the batch in hand; bids not judged yet go to the owner through the queue. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#working;
    this.#handToOwner();
  }

  async #work(): Promise<void> {
    const pipeline = this.#pipeline;
    while (this.#running && (this.#inbox.length > 0 || pipeline.hasRetry)) {
      try {
        if (this.#token === 0) {
          this.#token = await this.#highestToken();
          if (this.#token === 0) continue;
        }
        if (pipeline.hasRetry) await pipeline.submitRetry();
        else {
          const batch =
            this.#inbox.length <= this.#options.maxBatch ? this.#inbox : this.#inbox.slice(0, this.#options.maxBatch);
          this.#inbox = batch === this.#inbox ? [] : this.#inbox.slice(batch.length);
          if (Date.now() < this.#readUntil) this.#judge.release(batch);
          // Auctions that ended elsewhere are never let go one by one here: bounded instead.
          else if (this.#judge.size > MAX_HELD) this.#judge.releaseAll();
          this.#noteHeld(batch);
          await pipeline.submit(batch, batch);
        }
        await pipeline.settleHead();
        // The callers this batch answered bid again within the current macrotask: waiting for
        // them keeps one batch a turn. Taking the inbox at once splits the callers into two groups
        // that take turns, each batch half as large and its read and commit paid twice as often.
        if (this.#inbox.length < this.#options.maxBatch) await endOfTurn();
      } catch (error) {
        if (commitFailureOf(error) === 'stale' && this.#running) {
          // Another house committed first, or a new owner raised the token: read both again.
          this.conflicts++;
          this.#token = 0;
          this.#readUntil = Date.now() + READ_AFTER_REFUSAL_MS;
          continue;
        }
        // The store failed for long (or the house stops): the owner's queue keeps the bids.
        this.#handToOwner();
      }
    }
  }

  #noteHeld(batch: readonly SequencedCommand[]): void {
    this.#held.clear();
    for (const item of batch) {
      const id = auctionIdOf(item);
      if (this.#judge.stateOf(id) !== undefined) this.#held.add(id);
    }
  }

  /**
   * Bids refused on a held state: another house may have moved the auction on (its end put off,
   * its leader changed) without this judge knowing, and a refusal is committed without the
   * store's check of the auction's seq. They are judged again on states read now.
   */
  #refusedOnHeldStates(judgement: Judgement): readonly SequencedCommand[] {
    if (this.#held.size === 0) return [];
    const again = judgement.answers
      .filter(({ entry, outcome }) => outcome.status === 'rejected' && this.#held.has(auctionIdOf(entry)))
      .map(({ entry }) => entry);
    this.#held.clear();
    return again;
  }

  /**
   * The token a commit must carry: the partition's highest (a claim of token 1 never raises it
   * once an owner has claimed the partition; on one never owned it sets 1, which only makes an
   * owner holding token 1 ask the lock for a higher one). 0 after a failed read, waited out.
   */
  async #highestToken(): Promise<number> {
    try {
      const { highestToken } = await this.#fencing.claimPartition(this.partition, 1);
      this.#links.health.recovered('store', this.partition);
      return highestToken;
    } catch (error) {
      this.#links.health.failed('read', this.partition, error);
      await sleep(this.#options.retryDelayMs);
      return 0;
    }
  }

  #handToOwner(): void {
    const items = this.#pipeline.takeUncommittedLocal().concat(this.#inbox);
    this.#inbox = [];
    if (items.length === 0) return;
    // Without `fresh`: a failed commit may have landed, so the owner looks each bid up first.
    this.#links.answers.forward(
      this.partition,
      items.map(({ command, origin, commandId, local }) => ({ command, origin, commandId, local })),
    );
  }
}

/** The landing judges of a house, one per partition, made when its first bid lands. */
export class LandingJudges {
  readonly #judges = new Map<number, LandingJudge>();
  readonly #make: (partition: number) => LandingJudge;
  /** Told of each partition these judges publish for, so that nobody's silence costs a message. */
  readonly #publishing: ((partition: number, publishing: boolean) => Promise<void>) | undefined;

  constructor(
    make: (partition: number) => LandingJudge,
    publishing?: (partition: number, publishing: boolean) => Promise<void>,
  ) {
    this.#make = make;
    this.#publishing = publishing;
  }

  of(partition: number): LandingJudge {
    let judge = this.#judges.get(partition);
    if (judge === undefined) {
      judge = this.#make(partition);
      this.#judges.set(partition, judge);
      // A failure only leaves the partition's messages sent whether heard or not.
      this.#publishing?.(partition, true).catch(() => undefined);
    }
    return judge;
  }

  /** Auctions whose states the judges hold. */
  get held(): number {
    let held = 0;
    for (const judge of this.#judges.values()) held += judge.held;
    return held;
  }

  /** Batches read and judged again because another house committed first. */
  get conflicts(): number {
    let conflicts = 0;
    for (const judge of this.#judges.values()) conflicts += judge.conflicts;
    return conflicts;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#judges.values()].map((judge) => judge.stop()));
    const publishing = this.#publishing;
    if (publishing !== undefined)
      await Promise.all(
        [...this.#judges.keys()].map((partition) => publishing(partition, false).catch(() => undefined)),
      );
  }
}
