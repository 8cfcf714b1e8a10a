import type { Lease } from '../ports/lock.js';
import type { BatchCompletion, PreparedBatch } from './batch-completion.js';
import type { BatchJudge, Judgement } from './batch-judge.js';
import { commitFailureOf } from './commit-failure.js';
import { dependencyOf } from './house-health.js';
import type { HouseOperation } from './house-types.js';
import type { SequencedCommand } from './sequenced-command.js';
import type { SequencerEnvironment, SequencerLinks } from './sequencer-links.js';

/** A batch whose commit is in flight; `batch` is null when loading its auctions failed. */
interface InFlight {
  readonly batch: PreparedBatch | null;
  readonly entries: readonly SequencedCommand[];
  /** The commands among them handed over in memory: rerouted if the partition is lost under them. */
  readonly local: readonly SequencedCommand[];
  /** Resolves (never rejects) with null once committed, or with the error. */
  settled: Promise<unknown>;
  /** Set once settled. */
  result: { readonly error: unknown } | null;
}

export interface CommitPipelineOptions {
  readonly partition: number;
  readonly retryDelayMs: number;
  /** Failures in a row for this long stop the writer (see #givingUp). */
  readonly giveUpAfterMs: number;
  /** The lease of the partition's writer, whose token each commit carries. */
  readonly lease: () => Lease;
  /** False once the writer stops: failed commands are kept for rerouting instead of tried again. */
  readonly running: () => boolean;
  /**
   * Read every batch's auctions from the store before judging it, since other houses commit to
   * them too (bids judged where they land); only with one commit in flight.
   */
  readonly readEachBatch: boolean;
  /**
   * Commands of a judged batch whose outcome must be judged again on states read now (the rest
   * of the batch with them), before anything is sent; none by default. A refusal writes no
   * ledger entry, so the store's check of each auction's next seq cannot catch one judged on an
   * old state: a judge whose states other houses may have moved on asks for those.
   */
  readonly judgeAgain?: (judgement: Judgement) => readonly SequencedCommand[];
  /** Told each time a commit in flight settles, so that a writer waiting for work wakes to complete it. */
  readonly onSettled?: () => void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function halves<T>(items: readonly T[]): T[][] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}

/**
 * The commits of one partition: each judged batch goes to the store at once, several may be in
 * flight, and they are completed in the order sent. A failed commit undoes every batch after
 * it and judges their commands again after a pause; a refused one is split until the commands
 * refused on their own are found; a fenced writer stops.
 */
export class CommitPipeline {
  readonly #env: SequencerEnvironment;
  readonly #links: SequencerLinks;
  readonly #judge: BatchJudge;
  readonly #completion: BatchCompletion;
  readonly #options: CommitPipelineOptions;
  /** Batches judged and sent to the store, oldest first: completed in this order. */
  #inFlight: InFlight[] = [];
  /** Entries of failed batches, judged again before anything else. */
  #retry: SequencedCommand[] = [];
  #retryLocal: readonly SequencedCommand[] = [];
  /** Failed commits in a row, for the back-off. */
  #failures = 0;
  /** When the failures in a row began (Date.now), null while commits land. */
  #failingSince: number | null = null;
  /** Set once a commit of this writer was taken by the store. */
  #fenced = false;
  /** The operation whose failures were last reported: its recovery is reported once one succeeds. */
  #failing: HouseOperation | null = null;
  /** When a commit last failed (the writer's clock). */
  troubleAt = 0;
  /** When a commit last landed (Date.now), 0 before the first. */
  landedAt = 0;

  constructor(
    env: SequencerEnvironment,
    links: SequencerLinks,
    judge: BatchJudge,
    completion: BatchCompletion,
    options: CommitPipelineOptions,
  ) {
    this.#env = env;
    this.#links = links;
    this.#judge = judge;
    this.#completion = completion;
    this.#options = options;
  }

  /** Commits in flight. */
  get size(): number {
    return this.#inFlight.length;
  }

  /** The oldest commit in flight has settled: `settleFinished` has work. */
  get headFinished(): boolean {
    return this.#inFlight[0]?.result != null;
  }

  get hasRetry(): boolean {
    return this.#retry.length > 0;
  }

  /** Commands handed over in memory that were not committed: the caller sends them on. */
  takeUncommittedLocal(): readonly SequencedCommand[] {
    const local = this.#retryLocal;
    this.#retryLocal = [];
    this.#retry = [];
    return local;
  }

  /**
   * Judge a batch and send its commit without waiting for it: the commit settles in flight,
   * and the batch is completed when it reaches the head. A failed load is retried like a
   * failed commit. Returns a promise only when auctions or bids had to be read first: a batch
   * judged on what is held is sent at once, without a turn of the event loop.
   */
  submit(entries: SequencedCommand[], local: readonly SequencedCommand[]): Promise<void> | undefined {
    try {
      const loading = this.#load(entries);
      if (loading !== undefined || this.#options.judgeAgain !== undefined)
        return this.#submitAfter(loading, entries, local);
      this.#send(this.#judged(entries), entries, local);
    } catch (error) {
      this.#loadFailed(entries, local, error);
    }
    return undefined;
  }

  async #submitAfter(
    loading: Promise<void> | undefined,
    entries: SequencedCommand[],
    local: readonly SequencedCommand[],
  ): Promise<void> {
    let batch: PreparedBatch;
    try {
      await loading;
      batch = this.#judged(entries);
      const again = this.#options.judgeAgain?.(batch.judgement) ?? [];
      if (again.length > 0) {
        this.#judge.rollBack(batch.judgement);
        this.#judge.release(again);
        await this.#load(entries);
        batch = this.#judged(entries);
      }
    } catch (error) {
      this.#loadFailed(entries, local, error);
      return;
    }
    this.#send(batch, entries, local);
  }

  #loadFailed(entries: SequencedCommand[], local: readonly SequencedCommand[], error: unknown): void {
    this.#inFlight.push({ batch: null, entries, local, settled: Promise.resolve(error), result: { error } });
  }

  #send(batch: PreparedBatch, entries: SequencedCommand[], local: readonly SequencedCommand[]): void {
    let commit: Promise<void>;
    try {
      commit = batch.commit === null ? Promise.resolve() : this.#env.store.commit(batch.commit);
    } catch (error) {
      // A store that throws instead of rejecting is a failed commit all the same.
      commit = Promise.reject(error);
    }
    const { onSettled } = this.#options;
    const inFlight: InFlight = { batch, entries, local, settled: Promise.resolve(null), result: null };
    inFlight.settled = commit.then(
      () => {
        inFlight.result = { error: null };
        onSettled?.();
        return null;
      },
      (error: unknown) => {
        inFlight.result = { error };
        onSettled?.();
        return error;
      },
    );
    this.#inFlight.push(inFlight);
  }

  submitRetry(): Promise<void> | undefined {
    const retry = this.#retry;
    const local = this.#retryLocal;
    this.#retry = [];
    this.#retryLocal = [];
    return this.submit(retry, local);
  }

  /**
   * Complete every batch at the head whose commit has already settled. Returns a promise only
   * when there is something to wait for: a failed commit, or views going to a cache.
   */
  settleFinished(): Promise<void> | undefined {
    for (let head = this.#inFlight[0]; head?.result != null; head = this.#inFlight[0]) {
      if (head.result.error !== null || head.batch === null) return this.#settleFailed();
      this.#inFlight.shift();
      this.#landed(head.batch);
      const completing = this.#completion.complete(head.entries, head.batch);
      if (completing !== undefined) return completing.then(() => this.settleFinished());
    }
    return undefined;
  }

  async #settleFailed(): Promise<void> {
    while (this.#inFlight[0]?.result != null) await this.settleHead();
  }

  /** Settle everything in flight, judging failed entries again while running. */
  async drain(): Promise<void> {
    while (this.#inFlight.length > 0 || (this.#retry.length > 0 && this.#options.running())) {
      if (this.#inFlight.length > 0) await this.settleHead();
      else await this.submitRetry();
    }
  }

  /**
   * Wait for the oldest commit in flight. Committed: complete it. Failed: every batch from it
   * on is undone (later ones were judged on its result), and their entries are judged again
   * after a pause; a fenced writer stops at once (throws).
   */
  async settleHead(): Promise<void> {
    const head = this.#inFlight[0];
    if (head === undefined) return;
    const error = await head.settled;
    if (error === null && head.batch !== null) {
      this.#inFlight.shift();
      this.#landed(head.batch);
      await this.#completion.complete(head.entries, head.batch);
      return;
    }
    const failed = this.#inFlight;
    this.#inFlight = [];
    await Promise.all(failed.map((f) => f.settled));
    for (let i = failed.length - 1; i >= 0; i--) {
      const batch = failed[i]?.batch;
      if (batch != null) this.#judge.rollBack(batch.judgement);
    }
    const entries = failed.flatMap((f) => f.entries);
    const local = failed.flatMap((f) => f.local);
    this.#judge.forget(entries);
    const kind = commitFailureOf(error);
    if (kind === 'refused') {
      await this.#isolate(entries, local);
      return;
    }
    this.#retry = entries.concat(this.#retry);
    this.#retryLocal = local.concat(this.#retryLocal);
    // Where other houses write too, a refusal may only mean one of them committed first.
    if (kind === 'stale' && this.#options.running() && (await this.#stillFenced())) return;
    if (kind === 'stale' || !this.#options.running() || this.#givingUp()) throw error;
    await this.#backOff(head.batch === null ? 'read' : 'commit', error);
  }

  /** On the way out: let commits in flight settle; complete those that landed, keep the rest for rerouting. */
  async abandon(): Promise<void> {
    const inFlight = this.#inFlight;
    this.#inFlight = [];
    await Promise.all(inFlight.map((f) => f.settled));
    let failedFrom = inFlight.findIndex((f) => f.result?.error !== null || f.batch === null);
    if (failedFrom === -1) failedFrom = inFlight.length;
    for (const f of inFlight.slice(0, failedFrom))
      if (f.batch !== null) await this.#completion.complete(f.entries, f.batch);
    this.#retryLocal = inFlight
      .slice(failedFrom)
      .flatMap((f) => f.local)
      .concat(this.#retryLocal);
  }

  /** Bring missing auctions into memory and learn earlier outcomes of bidIds that may repeat. */
  #load(entries: readonly SequencedCommand[]): Promise<void> | undefined {
    if (this.#options.readEachBatch) this.#judge.release(entries);
    const { auctionIds, bidIds } = this.#judge.missing(entries);
    if (auctionIds.length === 0 && bidIds.length === 0) return undefined;
    const { store } = this.#env;
    return Promise.all([
      auctionIds.length === 0 ? [] : store.getMany(auctionIds),
      bidIds.length === 0 ? [] : store.getOutcomes(bidIds),
    ]).then(([states, outcomes]) => this.#judge.absorb(states, outcomes));
  }

  #judged(entries: readonly SequencedCommand[]): PreparedBatch {
    const judgement = this.#judge.judge(entries);
    for (const { auctionId, at } of judgement.notDue) this.#links.deadlines.arm(auctionId, at);
    return this.#completion.prepare(judgement, this.#options.lease().token);
  }

  /**
   * After a refusal for staleness, with bids judged where they land: true when this writer's
   * token is still the partition's highest, so that the refusal was another house's commit to one
   * of the batch's auctions coming first (its states are forgotten: judged again, it reads them).
   */
  async #stillFenced(): Promise<boolean> {
    const { fencing } = this.#env;
    if (!this.#options.readEachBatch || fencing === undefined) return false;
    const token = this.#options.lease().token;
    const claim = await fencing.claimPartition(this.#options.partition, token).catch(() => null);
    return claim !== null && claim.highestToken === token;
  }

  /** A batch was committed: the store holds this writer's token and answers again. */
  #landed(batch: PreparedBatch): void {
    this.#judge.landed();
    this.#failures = 0;
    this.#failingSince = null;
    this.landedAt = Date.now();
    if (this.#failing !== null) {
      this.#links.health.recovered(dependencyOf(this.#failing), this.#options.partition);
      this.#failing = null;
    }
    if (!this.#fenced && batch.commit !== null) {
      this.#fenced = true;
      this.#links.owner.fenced(this.#options.partition);
    }
  }

  /**
   * The store has failed this writer for `giveUpAfterMs` (three leases) without a commit landing:
   * the writer stops and the partition is given up, so that a house the store answers can take
   * it (this one stands aside meanwhile); where the store answers nobody, the next owner waits
   * as this one would have.
   */
  #givingUp(): boolean {
    return this.#failingSince !== null && Date.now() - this.#failingSince >= this.#options.giveUpAfterMs;
  }

  /** A transient failure: reported, then waited out before the same commands are tried again. */
  async #backOff(operation: HouseOperation, error: unknown): Promise<void> {
    this.troubleAt = this.#env.clock.now();
    this.#failingSince ??= Date.now();
    this.#env.stats.commitErrors++;
    this.#failing = operation;
    this.#links.health.failed(operation, this.#options.partition, error);
    await sleep(Math.min(this.#options.retryDelayMs * 2 ** this.#failures++, 2_000));
  }

  /**
   * The store refused a batch for what it holds. Nothing one caller sends may hold up the
   * others: the batch is split in halves, and each part is judged again against what is
   * committed and committed on its own, in order, halving the refused parts again, until the
   * commands refused on their own are found. Each of those alone is rejected and acknowledged,
   * so it never comes back; the rest commit in their order. Judging again keeps the seqs without
   * a gap and answers only outcomes that were stored. A transient failure on the way is waited
   * out; a stale owner stops, its remaining commands kept for rerouting.
   */
  async #isolate(entries: readonly SequencedCommand[], local: readonly SequencedCommand[]): Promise<void> {
    const handedOver = new Set(local);
    const parts = entries.length > 1 ? halves(entries) : [entries.slice()];
    for (let part = parts[0]; part !== undefined; part = parts[0]) {
      const failure = await this.#commitAlone(part);
      if (failure === null) {
        parts.shift();
        continue;
      }
      const kind = commitFailureOf(failure.error);
      if (kind === 'refused') {
        parts.shift();
        const [only] = part;
        if (part.length === 1 && only !== undefined) this.#completion.refuse(only, failure.error);
        else parts.unshift(...halves(part));
        continue;
      }
      if (kind === 'stale' || !this.#options.running() || this.#givingUp()) {
        const rest = parts.flat();
        this.#retry = rest.concat(this.#retry);
        this.#retryLocal = rest.filter((entry) => handedOver.has(entry)).concat(this.#retryLocal);
        throw failure.error;
      }
      await this.#backOff(failure.operation, failure.error);
    }
  }

  /** Judge and commit `part` with nothing else in flight; null once committed and completed. */
  async #commitAlone(
    part: readonly SequencedCommand[],
  ): Promise<{ readonly error: unknown; readonly operation: HouseOperation } | null> {
    try {
      await this.#load(part);
    } catch (error) {
      return { error, operation: 'read' };
    }
    const batch = this.#judged(part);
    try {
      if (batch.commit !== null) await this.#env.store.commit(batch.commit);
    } catch (error) {
      this.#judge.rollBack(batch.judgement);
      this.#judge.forget(part);
      return { error, operation: 'commit' };
    }
    this.#landed(batch);
    await this.#completion.complete(part, batch);
    return null;
  }
}
