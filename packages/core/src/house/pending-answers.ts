import type { CommandOutcome } from '../engine/types.js';

interface Waiter {
  resolve: (outcome: CommandOutcome) => void;
  reject: (error: unknown) => void;
  deadline: number;
  /** The partition of the command waited on. */
  partition: number;
  done: boolean;
  /** The house's PendingAnswers it belongs to (another house of this process may answer it). */
  owner: PendingAnswers;
  /** Another caller waiting on the same commandId (keyed waiters only). */
  next: Waiter | undefined;
}

/** A queue item or entry that may carry its caller's waiter in `local`, when the queue is in this process. */
export interface AnswerableItem {
  local?: unknown;
}

/**
 * The callers waiting for outcomes. With an in-process queue each waiter rides on its queue
 * entry, so answering costs no lookup; otherwise waiters are found by commandId, which is how
 * outcomes routed back from another process arrive.
 */
export class PendingAnswers {
  readonly #keyed = new Map<string, Waiter>();
  /** Attached waiters, kept only so that expiry and shutdown can reach them. */
  #attached: Waiter[] = [];
  #open = 0;

  /** Callers still waiting. */
  get size(): number {
    return this.#open;
  }

  /** Wait for the outcome of `commandId`; with `item`, the waiter rides on the queue entry. */
  wait(commandId: string, item: AnswerableItem | null, deadline: number, partition: number): Promise<CommandOutcome> {
    return new Promise<CommandOutcome>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, deadline, partition, done: false, owner: this, next: undefined };
      this.#open++;
      if (item !== null) {
        item.local = waiter;
        this.#attach(waiter);
        return;
      }
      const first = this.#keyed.get(commandId);
      if (first === undefined) this.#keyed.set(commandId, waiter);
      else {
        let last = first;
        while (last.next) last = last.next;
        last.next = waiter;
      }
    });
  }

  /**
   * Answered waiters are dropped whenever they outnumber the open ones, so the list stays
   * about as long as the number of callers in flight: holding on to answered promises until
   * the next sweep made every young-generation collection copy them.
   */
  #attach(waiter: Waiter): void {
    const attached = this.#attached;
    if (attached.length >= 1_024 && attached.length > 2 * this.#open) {
      let kept = 0;
      for (const w of attached) if (!w.done) attached[kept++] = w;
      attached.length = kept;
    }
    attached.push(waiter);
  }

  #finish(waiter: Waiter, outcome: CommandOutcome | undefined, error: unknown): void {
    if (waiter.done) return;
    waiter.done = true;
    this.#open--;
    if (outcome !== undefined) waiter.resolve(outcome);
    else waiter.reject(error);
  }

  /** Answer the caller riding on `item`, whichever house of this process took it; false when none. */
  settleItem(item: AnswerableItem, outcome: CommandOutcome | undefined, error?: unknown): boolean {
    const waiter = item.local as Waiter | undefined;
    if (waiter === undefined) return false;
    waiter.owner.#finish(waiter, outcome, error);
    return true;
  }

  /** Answer every caller waiting on `commandId` by key. */
  settle(commandId: string, outcome: CommandOutcome | undefined, error?: unknown): void {
    const first = this.#keyed.get(commandId);
    if (first === undefined) return;
    this.#keyed.delete(commandId);
    for (let w: Waiter | undefined = first; w; w = w.next) this.#finish(w, outcome, error);
  }

  /** Commands waited on by key whose deadline passed (they stay waiting until settled). */
  overdue(now: number): string[] {
    const ids: string[] = [];
    for (const [commandId, first] of this.#keyed) if (first.deadline <= now) ids.push(commandId);
    return ids;
  }

  /** Fail the attached callers whose deadline passed. */
  expireAttached(now: number, error: unknown): void {
    const still: Waiter[] = [];
    for (const waiter of this.#attached) {
      if (waiter.done) continue;
      if (waiter.deadline <= now) this.#finish(waiter, undefined, error);
      else still.push(waiter);
    }
    this.#attached = still;
  }

  /** Fail the callers waiting on commands of the partitions `errorOf` gives an error for; returns how many. */
  failPartitions(errorOf: (partition: number) => unknown): number {
    const before = this.#open;
    for (const [commandId, first] of [...this.#keyed]) {
      const error = errorOf(first.partition);
      if (error !== undefined) this.settle(commandId, undefined, error);
    }
    for (const waiter of this.#attached) {
      if (waiter.done) continue;
      const error = errorOf(waiter.partition);
      if (error !== undefined) this.#finish(waiter, undefined, error);
    }
    return before - this.#open;
  }

  /** Fail every caller still waiting. */
  failAll(error: unknown): void {
    for (const commandId of [...this.#keyed.keys()]) this.settle(commandId, undefined, error);
    for (const waiter of this.#attached) this.#finish(waiter, undefined, error);
    this.#attached = [];
  }
}
