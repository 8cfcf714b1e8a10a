import { applyCommand } from '../engine/apply-command.js';
import { fingerprintBid, judgeRepeatedBid } from '../engine/idempotency.js';
import { toPublicAuction } from '../engine/public-view.js';
import type { AuctionEvent, AuctionState, PublicAuction } from '../engine/types.js';
import type { CommitBatch, LedgerEntry, StoredOutcome } from '../ports/auction-store.js';
import type { BroadcastMessage, RoutedOutcome } from '../ports/broadcaster.js';
import type { Lease } from '../ports/lock.js';
import { commitFailureOf } from './commit-failure.js';
import { dependencyOf } from './house-health.js';
import type { HouseOperation } from './house-types.js';
import { RecentBids } from './recent-bids.js';
import type { SequencedCommand } from './sequenced-command.js';
import type { Answer, SequencerEnvironment, SequencerLinks } from './sequencer-links.js';
import { storeRejection } from './store-rejection.js';

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
}

/** A judged batch: what to commit, and what to answer and publish once it is committed. */
interface JudgedBatch {
  readonly commit: CommitBatch | null;
  /** States before the batch, of every auction it changed (undefined: created by it). */
  readonly before: ReadonlyMap<string, AuctionState | undefined>;
  /** Callers' bidIds it added to `recent`. */
  readonly judgedBids: readonly string[];
  readonly changed: readonly AuctionState[];
  readonly snapshots: readonly PublicAuction[];
  readonly events: AuctionEvent[];
  /** The message to publish, made before the commit when the store publishes it. */
  readonly message: BroadcastMessage | null;
  readonly answers: readonly Answer[];
}

/** A batch whose commit is in flight; `batch` is null when loading its auctions failed. */
interface InFlight {
  readonly batch: JudgedBatch | null;
  readonly entries: readonly SequencedCommand[];
  readonly local: readonly SequencedCommand[];
  /** Resolves (never rejects) with null once committed, or with the error. */
  settled: Promise<unknown>;
  /** Set once settled. */
  result: { readonly error: unknown } | null;
}

function dueOf(state: AuctionState): number | null {
  if (state.status === 'scheduled') return state.spec.startsAt;
  if (state.status === 'open') return state.endsAt;
  return null;
}

const NO_FRESH_BIDS: ReadonlySet<string> = new Set();

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

function halves<T>(items: readonly T[]): T[][] {
  const middle = Math.ceil(items.length / 2);
  return [items.slice(0, middle), items.slice(middle)];
}

/**
 * The single writer of one partition. It keeps the partition's auctions in memory, judges
 * commands with the pure engine in FIFO order, writes a whole batch in one store commit
 * (group commit), and only then acknowledges the queue, answers callers and publishes.
 */
export class Sequencer {
  readonly partition: number;
  readonly #env: SequencerEnvironment;
  readonly #links: SequencerLinks;
  readonly #options: SequencerOptions;
  readonly #states = new Map<string, AuctionState>();
  readonly #recent: RecentBids;
  #lease: Lease;
  #running = false;
  /** Ids of committed entries not yet acknowledged (waiting for the ack in flight, or after a failed one). */
  #unacked: string[] = [];
  /** The acknowledgements in flight: they run beside the next batch, off the callers' path. */
  #acking: Promise<void> | null = null;
  /** Set after a failed commit until a batch commits: see #forget. */
  #unsure = false;
  #loop: Promise<void> = Promise.resolve();
  /** Commands handed over in memory by this process's intake, in arrival order. */
  #inbox: SequencedCommand[] = [];
  /** Wakes the consume loop waiting for the inbox or the queue read. */
  #wake: (() => void) | null = null;
  /** Batches judged and sent to the store, oldest first: answered in this order once committed. */
  #pipeline: InFlight[] = [];
  /** Entries of failed batches, judged again before anything else. */
  #retry: SequencedCommand[] = [];
  /** The local commands among them: rerouted if the partition is lost under them. */
  #retryLocal: readonly SequencedCommand[] = [];
  /** Failed commits in a row, for the back-off. */
  #failures = 0;
  /** Set once a commit of this sequencer was taken by the store. */
  #fenced = false;
  /** When the queue was last looked at for entries left with other consumers. */
  #sweptAt = 0;
  /** When a commit or an acknowledgement last failed. */
  #troubleAt = 0;
  /** The store and queue operations whose failures were last reported: their recovery is reported once one succeeds. */
  #failingCommit: HouseOperation | null = null;
  #failingQueue: HouseOperation | null = null;
  /** When a commit of this sequencer last landed (real time). */
  #landedAt = 0;

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
    this.#recent = new RecentBids(options.recentBids);
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
    return this.#states.get(auctionId);
  }

  /** Load the partition's live auctions, take over entries a dead owner left, then consume. */
  async start(): Promise<void> {
    this.#running = true;
    for (const state of await this.#env.store.listActive(this.partition)) {
      this.#states.set(state.spec.id, state);
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
    await this.#acking;
    // A blocked read left running would take commands meant for the next owner.
    await this.#env.queue.release(this.partition, this.#env.houseId).catch(() => {
      this.#env.stats.queueErrors++;
    });
  }

  /** How many auctions are held in memory. */
  get auctionCount(): number {
    return this.#states.size;
  }

  /** Ids of the auctions held in memory. */
  auctionIds(): IterableIterator<string> {
    return this.#states.keys();
  }

  /** When a commit of this sequencer last landed (Date.now), 0 before the first. */
  get landedAt(): number {
    return this.#landedAt;
  }

  async #consume(): Promise<void> {
    const { queue, houseId } = this.#env;
    const max = this.#options.maxBatch;
    try {
      // Entries delivered to a previous owner and never acknowledged come first: FIFO holds.
      for (;;) {
        const stale = await this.#retrying(() => queue.claimStale(this.partition, houseId, 0, max));
        if (stale === null || stale.length === 0) break;
        await this.#submit(stale, []);
        await this.#drain();
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
        if (!reading.done && this.#inbox.length === 0 && this.#retry.length === 0) {
          const head = this.#pipeline[0];
          await (head === undefined ? this.#somethingToDo() : Promise.race([this.#somethingToDo(), head.settled]));
        }
        this.#wake = null;
        await this.#settleFinished();
        while (this.#pipeline.length >= this.#options.maxCommitsInFlight) await this.#settleHead();
        if (this.#retry.length > 0) {
          if (this.#running) await this.#submitRetry();
          continue;
        }
        if (this.#sweepDue()) {
          // Tried once: a failure waits for the next sweep instead of holding up the commands here.
          const stale = await queue
            .claimStale(this.partition, houseId, this.#options.staleEntryMs, max)
            .catch((error: unknown): SequencedCommand[] => {
              this.#queueFailed('queue-read', error);
              return [];
            });
          // Older than anything waiting here: judged first.
          if (stale.length > 0) {
            await this.#submit(stale, []);
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
        await this.#submit(queued.length === 0 ? local : local.concat(queued), local);
      }
      await this.#drain();
      // Stopping: what was handed over but not judged goes to the next owner through the queue.
      this.#rerouteLocal();
    } catch (error) {
      this.#running = false;
      // Whatever is still in flight settles first: its local commands are rerouted only if it failed.
      await this.#abandon();
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
    const free = maxCommitsInFlight - this.#pipeline.length;
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
    if (now - this.#sweptAt < staleEntryMs / 2 || now - this.#troubleAt < staleEntryMs) return false;
    this.#sweptAt = now;
    return true;
  }

  /** Resolves when commands are handed over or the queue read returns. */
  #somethingToDo(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  #rerouteLocal(): void {
    const items = this.#retryLocal.concat(this.#inbox);
    this.#retryLocal = [];
    this.#retry = [];
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
        this.#queueAnswered();
        return result;
      } catch (error) {
        this.#queueFailed('queue-read', error);
        await sleep(Math.min(this.#options.retryDelayMs * 2 ** attempt, 2_000));
      }
    }
    return null;
  }

  #queueFailed(operation: HouseOperation, error: unknown): void {
    this.#env.stats.queueErrors++;
    this.#failingQueue = operation;
    this.#links.health.failed(operation, this.partition, error);
  }

  #queueAnswered(): void {
    if (this.#failingQueue === null) return;
    this.#links.health.recovered(dependencyOf(this.#failingQueue), this.partition);
    this.#failingQueue = null;
  }

  /**
   * After a failed commit nobody knows whether it landed (the reply may be what was lost):
   * the batch's auctions are reloaded from the store and every bidId is looked up, so a
   * retry finds what did land and answers it as a repeat instead of writing it twice.
   */
  #forget(entries: readonly SequencedCommand[]): void {
    this.#unsure = true;
    for (const { command } of entries)
      this.#states.delete(command.type === 'create' ? command.spec.id : command.auctionId);
  }

  /** Bring missing auctions into memory and learn earlier outcomes of bidIds that may repeat. */
  async #load(entries: readonly SequencedCommand[]): Promise<void> {
    const missingAuctions = new Set<string>();
    const missingBids: string[] = [];
    for (const { command, fresh } of entries) {
      const auctionId = command.type === 'create' ? command.spec.id : command.auctionId;
      if (!this.#states.has(auctionId)) missingAuctions.add(auctionId);
      // A bidId minted by the origin has no past: only callers' own ids need a look.
      const isBid = command.type === 'bid' || command.type === 'buy-now';
      if (isBid && (fresh !== true || this.#unsure) && this.#recent.get(command.bidId) === undefined) {
        missingBids.push(command.bidId);
      }
    }
    if (missingAuctions.size === 0 && missingBids.length === 0) return;
    const { store } = this.#env;
    const [states, outcomes] = await Promise.all([
      missingAuctions.size === 0 ? [] : store.getMany([...missingAuctions]),
      missingBids.length === 0 ? [] : store.getOutcomes(missingBids),
    ]);
    for (const state of states) if (state !== null) this.#states.set(state.spec.id, state);
    for (const stored of outcomes) if (stored !== null) this.#recent.set(stored.bidId, stored);
  }

  /**
   * Judge a batch and send its commit without waiting for it: the commit settles in the
   * pipeline, and the batch is answered when it reaches the head (commits settle in order).
   * A failed load is retried like a failed commit.
   */
  async #submit(entries: SequencedCommand[], local: readonly SequencedCommand[]): Promise<void> {
    try {
      await this.#load(entries);
    } catch (error) {
      const settled = Promise.resolve(error);
      this.#pipeline.push({ batch: null, entries, local, settled, result: { error } });
      return;
    }
    const batch = this.#judge(entries);
    let commit: Promise<void>;
    try {
      commit = batch.commit === null ? Promise.resolve() : this.#env.store.commit(batch.commit);
    } catch (error) {
      // A store that throws instead of rejecting is a failed commit all the same.
      commit = Promise.reject(error);
    }
    const inFlight: InFlight = { batch, entries, local, settled: Promise.resolve(null), result: null };
    inFlight.settled = commit.then(
      () => {
        inFlight.result = { error: null };
        return null;
      },
      (error: unknown) => {
        inFlight.result = { error };
        return error;
      },
    );
    this.#pipeline.push(inFlight);
  }

  /** Answer every batch at the head whose commit has already settled. */
  async #settleFinished(): Promise<void> {
    while (this.#pipeline[0]?.result != null) await this.#settleHead();
  }

  /** Settle everything in flight, judging failed entries again while running. */
  async #drain(): Promise<void> {
    while (this.#pipeline.length > 0 || (this.#retry.length > 0 && this.#running)) {
      if (this.#pipeline.length > 0) await this.#settleHead();
      else await this.#submitRetry();
    }
  }

  #submitRetry(): Promise<void> {
    const retry = this.#retry;
    const local = this.#retryLocal;
    this.#retry = [];
    this.#retryLocal = [];
    return this.#submit(retry, local);
  }

  /**
   * Wait for the oldest commit in flight. Committed: acknowledge, answer, publish. Failed:
   * every batch from it on is undone (later ones were judged on its result), and their
   * entries are judged again after a pause; a fenced writer stops at once.
   */
  async #settleHead(): Promise<void> {
    const head = this.#pipeline[0];
    if (head === undefined) return;
    const error = await head.settled;
    if (error === null && head.batch !== null) {
      this.#pipeline.shift();
      this.#landed(head.batch);
      await this.#complete(head.entries, head.batch);
      return;
    }
    const failed = this.#pipeline;
    this.#pipeline = [];
    await Promise.all(failed.map((f) => f.settled));
    for (let i = failed.length - 1; i >= 0; i--) {
      const batch = failed[i]?.batch;
      if (batch != null) this.#rollBack(batch.before, batch.judgedBids);
    }
    const entries = failed.flatMap((f) => f.entries);
    const local = failed.flatMap((f) => f.local);
    this.#forget(entries);
    const kind = commitFailureOf(error);
    if (kind === 'refused') {
      await this.#isolate(entries, local);
      return;
    }
    this.#retry = entries.concat(this.#retry);
    this.#retryLocal = local.concat(this.#retryLocal);
    if (kind === 'stale' || !this.#running) throw error;
    await this.#backOff(head.batch === null ? 'read' : 'commit', error);
  }

  /** A batch was committed: the store holds this writer's token and answers again. */
  #landed(batch: JudgedBatch): void {
    this.#unsure = false;
    this.#failures = 0;
    this.#landedAt = Date.now();
    if (this.#failingCommit !== null) {
      this.#links.health.recovered(dependencyOf(this.#failingCommit), this.partition);
      this.#failingCommit = null;
    }
    if (!this.#fenced && batch.commit !== null) {
      this.#fenced = true;
      this.#links.owner.fenced(this.partition);
    }
  }

  /** A transient failure: reported, then waited out before the same commands are tried again. */
  async #backOff(operation: HouseOperation, error: unknown): Promise<void> {
    this.#troubleAt = this.#env.clock.now();
    this.#env.stats.commitErrors++;
    this.#failingCommit = operation;
    this.#links.health.failed(operation, this.partition, error);
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
        if (part.length === 1 && only !== undefined) this.#refuse(only, failure.error);
        else parts.unshift(...halves(part));
        continue;
      }
      if (kind === 'stale' || !this.#running) {
        const rest = parts.flat();
        this.#retry = rest.concat(this.#retry);
        this.#retryLocal = rest.filter((entry) => handedOver.has(entry)).concat(this.#retryLocal);
        throw failure.error;
      }
      await this.#backOff(failure.operation, failure.error);
    }
  }

  /** Judge and commit `part` with nothing else in flight; null once committed and answered. */
  async #commitAlone(
    part: readonly SequencedCommand[],
  ): Promise<{ readonly error: unknown; readonly operation: HouseOperation } | null> {
    try {
      await this.#load(part);
    } catch (error) {
      return { error, operation: 'read' };
    }
    const batch = this.#judge(part);
    try {
      if (batch.commit !== null) await this.#env.store.commit(batch.commit);
    } catch (error) {
      this.#rollBack(batch.before, batch.judgedBids);
      this.#forget(part);
      return { error, operation: 'commit' };
    }
    this.#landed(batch);
    await this.#complete(part, batch);
    return null;
  }

  /**
   * A command the store refuses on its own: rejected with STORE_REJECTED (nothing of it was
   * written, and sending it again gets the same answer) and acknowledged off the queue.
   */
  #refuse(entry: SequencedCommand, error: unknown): void {
    const outcome = storeRejection(entry.command, error);
    this.#acknowledge([entry]);
    this.#env.stats.refusedCommands++;
    this.#links.health.refused(this.partition, entry, error);
    const answers: Answer[] = [{ entry, outcome }];
    this.#links.answers.answer(answers);
    const published = this.#messageOf([], [], this.#links.answers.routedOf(answers));
    if (published === null) return;
    this.#env.broadcaster
      .publish(published)
      .catch((error: unknown) => this.#links.health.problem('publish', this.partition, error));
  }

  /** On the way out: let commits in flight settle; answer those that landed, keep the rest for rerouting. */
  async #abandon(): Promise<void> {
    const inFlight = this.#pipeline;
    this.#pipeline = [];
    await Promise.all(inFlight.map((f) => f.settled));
    let failedFrom = inFlight.findIndex((f) => f.result?.error !== null || f.batch === null);
    if (failedFrom === -1) failedFrom = inFlight.length;
    for (const f of inFlight.slice(0, failedFrom)) if (f.batch !== null) await this.#complete(f.entries, f.batch);
    this.#retryLocal = inFlight
      .slice(failedFrom)
      .flatMap((f) => f.local)
      .concat(this.#retryLocal);
  }

  /** Judge commands in FIFO order against the states in memory, which move on at once. */
  #judge(entries: readonly SequencedCommand[]): JudgedBatch {
    const before = new Map<string, AuctionState | undefined>();
    const judgedBids: string[] = [];
    const ledger: LedgerEntry[] = [];
    const outcomes: StoredOutcome[] = [];
    const events: AuctionEvent[] = [];
    const answers: Answer[] = [];
    // Fresh bids stay out of `recent`, but a caller may resend a fresh id within this batch.
    let batchBids: Map<string, StoredOutcome> | undefined;
    let freshBidIds: Set<string> | undefined;
    for (const entry of entries) {
      const { command } = entry;
      const isBid = command.type === 'bid' || command.type === 'buy-now';
      const previous = isBid ? (batchBids?.get(command.bidId) ?? this.#recent.get(command.bidId)) : undefined;
      if (isBid && previous !== undefined) {
        answers.push({ entry, outcome: judgeRepeatedBid(previous, command) });
        continue;
      }
      const auctionId = command.type === 'create' ? command.spec.id : command.auctionId;
      const state = this.#states.get(auctionId) ?? null;
      const decision = applyCommand(state, command);
      const next = decision.state;
      if (decision.changed && next !== null) {
        if (!before.has(auctionId)) before.set(auctionId, state ?? undefined);
        this.#states.set(auctionId, next);
        ledger.push({ auctionId, seq: next.seq, command, price: next.price, leaderId: next.leaderId });
      }
      for (const event of decision.events) events.push(event);
      const outcome = decision.outcome;
      if (isBid && (outcome.status === 'accepted' || outcome.status === 'rejected') && 'bidId' in outcome) {
        const stored: StoredOutcome = {
          bidId: command.bidId,
          auctionId,
          bidderId: command.bidderId,
          fingerprint: fingerprintBid(command),
          outcome,
        };
        if (entry.fresh === true) {
          batchBids ??= new Map();
          batchBids.set(command.bidId, stored);
          // After a failed commit a minted bidId may have landed: the store then checks it like any other.
          if (!this.#unsure) {
            freshBidIds ??= new Set();
            freshBidIds.add(command.bidId);
          }
        } else {
          this.#recent.set(command.bidId, stored);
          judgedBids.push(command.bidId);
        }
        outcomes.push(stored);
      }
      if (outcome.status === 'not-due') this.#links.deadlines.arm(auctionId, outcome.dueAt);
      answers.push({ entry, outcome });
    }
    const changed: AuctionState[] = [];
    for (const id of before.keys()) changed.push(this.#states.get(id) as AuctionState);
    // Views go to the cache (unless the store keeps it) and to broadcasts (unless it is shared).
    const { commitFillsCache: cacheKeptByStore, cacheShared } = this.#env.capabilities;
    const snapshots = cacheKeptByStore && cacheShared ? [] : changed.map(toPublicAuction);
    const message = this.#env.capabilities.commitPublishes
      ? this.#messageOf(events, snapshots, this.#links.answers.routedOf(answers))
      : null;
    const commit: CommitBatch | null =
      changed.length > 0 || outcomes.length > 0
        ? {
            partition: this.partition,
            fencingToken: this.#lease.token,
            states: changed,
            entries: ledger,
            outcomes,
            freshBidIds: freshBidIds ?? NO_FRESH_BIDS,
            broadcast: message,
          }
        : null;
    return { commit, before, judgedBids, changed, snapshots, events, message, answers };
  }

  /** What to publish for a batch; null when it has nothing for anyone. */
  #messageOf(
    events: readonly AuctionEvent[],
    snapshots: readonly PublicAuction[],
    routed: readonly RoutedOutcome[],
  ): BroadcastMessage | null {
    if (events.length === 0 && routed.length === 0) return null;
    return {
      partition: this.partition,
      origin: this.#env.houseId,
      events,
      snapshots: this.#env.capabilities.cacheShared ? [] : snapshots,
      outcomes: routed,
    };
  }

  /** Put fresh views in the cache before callers are answered; never throws. */
  #storeSnapshots(snapshots: readonly PublicAuction[]): Promise<void> {
    const { cache, capabilities } = this.#env;
    const stored = cache.setMany(snapshots).catch((error: unknown) => this.#links.health.problem('cache', null, error));
    // A cache of this process is written at once; a shared one would cost a round trip per
    // batch before answering, so its write goes out alongside the answers instead.
    return capabilities.cacheShared ? Promise.resolve() : stored;
  }

  /** A committed batch: acknowledge its queue entries, cache, answer and publish. */
  async #complete(entries: readonly SequencedCommand[], batch: JudgedBatch): Promise<void> {
    this.#acknowledge(entries);
    // Read-your-writes: a caller told "accepted" then reading the auction sees its bid.
    if (batch.snapshots.length > 0 && !this.#env.capabilities.commitFillsCache)
      await this.#storeSnapshots(batch.snapshots);
    this.#finish(entries.length, batch);
  }

  /**
   * Acknowledge after the commit, without holding up the answers or the next batch: a later
   * read only takes new entries. One ack at a time; ids that arrive meanwhile go with the next.
   * A failed ack must not re-run a committed batch: its ids are kept and sent again with the
   * next batch's (a redelivery meanwhile is judged as a repeat).
   */
  #acknowledge(entries: readonly SequencedCommand[]): void {
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
        await this.#env.queue.ack(this.partition, ids);
        this.#queueAnswered();
      } catch (error) {
        this.#queueFailed('ack', error);
        this.#troubleAt = this.#env.clock.now();
        this.#unacked = ids.concat(this.#unacked);
        return;
      }
    }
  }

  /** Undo a batch whose commit failed: memory goes back to what the store holds. */
  #rollBack(before: ReadonlyMap<string, AuctionState | undefined>, judgedBids: readonly string[]): void {
    for (const [id, state] of before) {
      if (state === undefined) this.#states.delete(id);
      else this.#states.set(id, state);
    }
    for (const bidId of judgedBids) this.#recent.delete(bidId);
  }

  #finish(commands: number, batch: JudgedBatch): void {
    const { changed, before, snapshots, events, answers } = batch;
    const { stats } = this.#env;
    stats.batches++;
    stats.commands += commands;
    if (commands > stats.maxBatch) stats.maxBatch = commands;
    for (const state of changed) {
      // An ended auction never changes again: it leaves memory, and a late command reloads it.
      if ((state.status === 'closed' || state.status === 'cancelled') && this.#states.get(state.spec.id) === state) {
        this.#states.delete(state.spec.id);
        continue;
      }
      // Most bids move no deadline: arm only when the status or the end changed.
      const due = dueOf(state);
      const previous = before.get(state.spec.id);
      if (due !== null && (previous === undefined || dueOf(previous) !== due))
        this.#links.deadlines.arm(state.spec.id, due);
    }
    this.#links.answers.answer(answers);
    // A message made before the commit went to the store with it: published here, it reaches
    // this process's subscribers (the broadcaster knows what the store published already).
    const message = this.#env.capabilities.commitPublishes
      ? batch.message
      : this.#messageOf(events, snapshots, this.#links.answers.routedOf(answers));
    if (message === null) return;
    this.#env.broadcaster
      .publish(message)
      .catch((error: unknown) => this.#links.health.problem('publish', this.partition, error));
  }
}
