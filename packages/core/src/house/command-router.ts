import type { AuctionCommand, CommandOutcome } from '../engine/types.js';
import { OutcryError } from '../errors.js';
import type { AuctionStore } from '../ports/auction-store.js';
import type { BidQueue, QueueItem } from '../ports/bid-queue.js';
import type { RoutedOutcome } from '../ports/broadcaster.js';
import type { DirectCommands } from '../ports/direct-commands.js';
import { commitFailureOf } from './commit-failure.js';
import type { HealthMonitor } from './health-monitor.js';
import type { LandingJudges } from './landing-judge.js';
import { partitionOf } from './partition-of.js';
import type { PendingAnswers } from './pending-answers.js';
import { type HouseItem, notFresh, type SequencedCommand } from './sequenced-command.js';
import type { Sequencer } from './sequencer.js';
import type { Answer, AnswerRouter, RoutedAnswers } from './sequencer-links.js';
import { storeRejection } from './store-rejection.js';

export interface CommandRouterOptions {
  readonly houseId: string;
  readonly partitions: number;
  readonly answerTimeoutMs: number;
  readonly queueLocalCommands: boolean;
  readonly queue: BidQueue;
  readonly store: AuctionStore;
  /** The queue hands back each item's `local`: a caller's waiter can ride on its entry. */
  readonly queueInProcess: boolean;
  readonly pending: PendingAnswers;
  readonly health: HealthMonitor;
  /** The sequencer of the partition, when this house runs it. */
  readonly sequencerOf: (partition: number) => Sequencer | undefined;
  /** Judge this house's bids of every partition here (`bidJudging: 'anywhere'`); null: owners judge them. */
  readonly landing: LandingJudges | null;
  /** Hands bids to the owners of other partitions, when the backend can (see DirectCommands). */
  readonly direct: DirectCommands | undefined;
  /** How long a bid handed to an owner directly may stay unanswered before it is queued. */
  readonly resendAfterMs: number;
}

/** A bid handed to another house's sequencer directly, kept until answered. */
interface SentDirect {
  readonly partition: number;
  readonly item: HouseItem;
  readonly at: number;
}

const isBid = (item: HouseItem) => item.command.type === 'bid' || item.command.type === 'buy-now';

/**
 * Takes commands in and routes them: to this house's own sequencer in memory when it owns the
 * partition; bids to the owner's sequencer directly when the backend can; through the queue
 * otherwise; and routes answers back to the callers waiting here.
 */
export class CommandRouter implements AnswerRouter {
  readonly #options: CommandRouterOptions;
  readonly #intake = new Map<number, SequencedCommand[]>();
  /** Commands other houses handed to partitions this house owns, for this turn's offers. */
  readonly #handedOver = new Map<number, QueueItem[]>();
  #flushScheduled = false;
  #flushing: Promise<void> = Promise.resolve();
  #counter = 0;
  #timeoutTimer: NodeJS.Timeout | null = null;
  /** Real time, refreshed by the timeout sweep: waiters need no clock read each. */
  #now = Date.now();
  intakeErrors = 0;
  /** Commands handed to this house's own sequencers, sent through the queue, handed to other houses directly. */
  inMemory = 0;
  queued = 0;
  direct = 0;
  /** Bids handed to other houses directly and not answered yet, oldest first. */
  readonly #sentDirect = new Map<string, SentDirect>();

  constructor(options: CommandRouterOptions) {
    this.#options = options;
  }

  /** A new id for a command of this house. */
  newId(): string {
    return `${this.#options.houseId}.${(++this.#counter).toString(36)}`;
  }

  /** Commands taken in and not yet handed on. */
  get intakeSize(): number {
    let size = 0;
    for (const items of this.#intake.values()) size += items.length;
    return size;
  }

  start(): void {
    this.#timeoutTimer = setInterval(() => void this.#expireWaiters(), 1_000);
    this.#timeoutTimer.unref();
  }

  stop(): void {
    if (this.#timeoutTimer) clearInterval(this.#timeoutTimer);
  }

  /**
   * Queue a command for its partition's sequencer; resolves with its outcome once committed.
   * A caller who would wait on a partition that is unavailable gets UNAVAILABLE at once, and
   * nothing is taken in; commands nobody waits on (`submitBid`, the scheduler's) still are.
   */
  submit(command: AuctionCommand, commandId: string, wait: boolean, fresh = false): Promise<CommandOutcome> | null {
    const { partitions, houseId } = this.#options;
    const auctionId = command.type === 'create' ? command.spec.id : command.auctionId;
    const partition = partitions === 1 ? 0 : partitionOf(auctionId, partitions);
    if (wait) {
      const refusal = this.#options.health.refusalFor(partition);
      if (refusal !== null) return Promise.reject(refusal);
    }
    let batch = this.#intake.get(partition);
    if (batch === undefined) {
      batch = [];
      this.#intake.set(partition, batch);
    }
    // The empty id marks a command no queue has seen: a sequencer takes it as it is, without a copy.
    const item: SequencedCommand = fresh
      ? { command, origin: houseId, commandId, fresh, id: '' }
      : { command, origin: houseId, commandId, id: '' };
    batch.push(item);
    this.#scheduleFlush();
    if (!wait) return null;
    const deadline = this.#now + this.#options.answerTimeoutMs;
    return this.#options.pending.wait(commandId, this.#options.queueInProcess ? item : null, deadline, partition);
  }

  /**
   * Commands taken in during one turn of the event loop go to the queue together at its end
   * (setImmediate, not a microtask): requests read in one I/O phase then share one group commit
   * and their answers leave together, instead of one commit per request.
   */
  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(this.#flushNow);
  }

  readonly #flushNow = (): void => void this.flush();

  /**
   * Commands another house handed to a partition this house owns (see DirectIntake): offered to
   * its sequencer at the end of the turn together with the commands taken in here, so that both
   * share one group commit (and the partitions' commits one store call) instead of one each.
   */
  takeHandedOver(partition: number, items: readonly QueueItem[]): void {
    let batch = this.#handedOver.get(partition);
    if (batch === undefined) {
      batch = [];
      this.#handedOver.set(partition, batch);
    }
    batch.push(...items);
    this.#scheduleFlush();
  }

  /** Everything taken in during one tick goes on in one call per partition; resolves once it has. */
  async flush(): Promise<void> {
    this.#flushScheduled = false;
    if (this.#handedOver.size > 0) this.#offerHandedOver();
    if (this.#intake.size > 0) {
      const batches = [...this.#intake];
      this.#intake.clear();
      // Most turns hand everything to sequencers in this process: nothing is left to send.
      const sends: Promise<void>[] = [];
      for (const [partition, items] of batches) {
        const rest = this.#judgeHere(partition, items);
        if (rest.length > 0) sends.push(this.#send(partition, rest));
      }
      this.#flushing = sends.length === 0 ? Promise.resolve() : Promise.all(sends).then(() => undefined);
    }
    await this.#flushing;
  }

  /**
   * What reaches a partition whose sequencer has stopped is queued for its next owner, no longer
   * fresh: its sender queues it too once it stays unanswered, and the second is then looked up.
   */
  #offerHandedOver(): void {
    const batches = [...this.#handedOver];
    this.#handedOver.clear();
    for (const [partition, items] of batches) {
      // A waiter riding on an item (sent from this process) stays with it: its answer needs no lookup.
      const entries = items.map((item): SequencedCommand => ({ ...item, id: '' }));
      if (this.#options.sequencerOf(partition)?.offer(entries) === true) continue;
      void this.forward(partition, items.map(notFresh));
    }
  }

  /**
   * A turn's bids of a partition are judged in this house when bids are judged where they land;
   * a turn holding anything else goes to the owner whole, in order (a create before the bids on it).
   */
  #judgeHere(partition: number, items: SequencedCommand[]): HouseItem[] {
    const { landing } = this.#options;
    if (landing === null || !items.every(isBid)) return this.#handOverLocally(partition, items);
    landing.of(partition).offer(items);
    this.inMemory += items.length;
    return [];
  }

  /** Gives the partition's sequencer, when this house runs it, what it may judge from memory; returns the rest. */
  #handOverLocally(partition: number, items: SequencedCommand[]): HouseItem[] {
    if (this.#options.queueLocalCommands) return items;
    const sequencer = this.#options.sequencerOf(partition);
    if (sequencer === undefined) return items;
    // Closes go through the queue, behind the bids other processes queued before them.
    const closes = items.filter((item) => item.command.type === 'close');
    const local = closes.length === 0 ? items : items.filter((item) => item.command.type !== 'close');
    if (!sequencer.offer(local)) return items;
    this.inMemory += local.length;
    return closes;
  }

  /**
   * Bids go to the partition's owner directly when a house there receives them, and are kept
   * until answered: an owner that dies with them never answers, and they are queued then (see
   * #resendUnanswered). A turn's commands of a partition that hold anything but bids go through
   * the queue together, in order (a create before the bids on it).
   */
  async #send(partition: number, items: readonly HouseItem[]): Promise<void> {
    const { direct } = this.#options;
    if (direct === undefined || items.length === 0 || !items.every(isBid)) return this.forward(partition, items);
    // Real time, not the sweep's: a bid sent just before a sweep must wait its whole time there.
    const at = Date.now();
    // Kept before sending: the answer may come back on another connection before the send
    // returns. Not a bid whose caller's waiter rides on it: its owner runs in this process,
    // answers it through the waiter, and queues it again if it stops first.
    for (const item of items)
      if (item.local === undefined) this.#sentDirect.set(item.commandId, { partition, item, at });
    const heard = await direct.send(partition, items).catch(() => false);
    if (heard) {
      this.direct += items.length;
      return;
    }
    for (const item of items) this.#sentDirect.delete(item.commandId);
    await this.forward(partition, items);
  }

  /**
   * Bids handed to an owner directly and unanswered for `resendAfterMs` are queued, for the
   * partition's next owner if that one died with them. They are no longer fresh: the one sent
   * directly may have been committed, and its outcome is then looked up instead of judged again.
   */
  #resendUnanswered(now: number): void {
    const due = new Map<number, HouseItem[]>();
    for (const [commandId, sent] of this.#sentDirect) {
      if (now - sent.at < this.#options.resendAfterMs) break;
      this.#sentDirect.delete(commandId);
      const item = notFresh(sent.item);
      const items = due.get(sent.partition);
      if (items === undefined) due.set(sent.partition, [item]);
      else items.push(item);
    }
    for (const [partition, items] of due) void this.forward(partition, items);
  }

  /**
   * Append commands to the partition's queue. A queue that refuses what the commands hold
   * (`STORE_REJECTED`) gets them one by one, in order, so that only those it refuses on their
   * own are refused; a queue that fails takes none of them in (UNAVAILABLE).
   */
  async forward(partition: number, items: readonly HouseItem[]): Promise<void> {
    if (items.length === 0) return;
    const { queue, health } = this.#options;
    try {
      await queue.enqueue(partition, items);
      this.queued += items.length;
      health.recovered('queue', partition);
    } catch (error) {
      this.intakeErrors++;
      if (commitFailureOf(error) === 'refused') {
        if (items.length > 1) {
          // Part of the refused call may have been taken in: a minted bid sent again is no longer fresh.
          for (const item of items) await this.forward(partition, [notFresh(item)]);
          return;
        }
        // Refused at intake, here: the commands' callers wait in this house.
        for (const item of items) {
          const outcome = storeRejection(item.command, error);
          if (!this.#options.pending.settleItem(item, outcome)) this.#options.pending.settle(item.commandId, outcome);
        }
        return;
      }
      health.failed('enqueue', partition, error);
      const failure = new OutcryError('UNAVAILABLE', 'The command queue is unavailable; nothing was taken in.', {
        cause: error,
      });
      for (const item of items) {
        if (!this.#options.pending.settleItem(item, undefined, failure))
          this.#options.pending.settle(item.commandId, undefined, failure);
      }
    }
  }

  /** Answers the callers in this process; returns other houses' outcomes, by house. */
  answer(answers: readonly Answer[]): RoutedAnswers | null {
    const { pending, houseId } = this.#options;
    let routed: Map<string, RoutedOutcome[]> | null = null;
    for (const { entry, outcome } of answers) {
      // A waiter riding on the entry is answered here, whichever house of this process took it.
      if (entry.local !== undefined || entry.origin === houseId) {
        if (!pending.settleItem(entry, outcome)) pending.settle(entry.commandId, outcome);
        continue;
      }
      routed ??= new Map();
      const outcomes = routed.get(entry.origin);
      const answer = { commandId: entry.commandId, outcome };
      if (outcomes === undefined) routed.set(entry.origin, [answer]);
      else outcomes.push(answer);
    }
    return routed;
  }

  /** Outcomes sent to this house by the sequencers of other houses. */
  receive(outcomes: readonly RoutedOutcome[]): void {
    const sentDirect = this.#sentDirect.size > 0;
    for (const { commandId, outcome } of outcomes) {
      if (sentDirect) this.#sentDirect.delete(commandId);
      this.#options.pending.settle(commandId, outcome);
    }
  }

  /**
   * Callers past their deadline: an outcome may have been stored while its broadcast was lost
   * (the owner died between commit and publish), so the store is asked before TIMEOUT is said.
   */
  async #expireWaiters(): Promise<void> {
    const { pending, store, answerTimeoutMs } = this.#options;
    const now = Date.now();
    this.#now = now;
    if (this.#sentDirect.size > 0) this.#resendUnanswered(now);
    const timeout = (commandId: string | null) =>
      new OutcryError(
        'TIMEOUT',
        `No outcome for ${commandId ?? 'a command'} within ${answerTimeoutMs} ms; it may still be judged.`,
      );
    pending.expireAttached(now, timeout(null));
    const overdue = pending.overdue(now);
    if (overdue.length === 0) return;
    const stored = await store.getOutcomes(overdue).catch(() => []);
    overdue.forEach((commandId, i) => {
      const outcome = stored[i]?.outcome;
      if (outcome !== undefined) pending.settle(commandId, outcome);
      else pending.settle(commandId, undefined, timeout(commandId));
    });
  }
}
