import type { AuctionCommand, AuctionState } from '../engine/types.js';
import type { Clock } from '../ports/clock.js';
import { DeadlineHeap } from './deadline-heap.js';
import type { Lifecycle } from './lifecycle.js';
import type { DeadlineArming } from './sequencer-links.js';

const SCHEDULER_LOOK_MS = 100;

export interface DeadlineSchedulerOptions {
  readonly clock: Clock;
  readonly lifecycle: Lifecycle;
  readonly closeGraceMs: number;
  /** The state of an auction this house's sequencers hold, or undefined. */
  readonly stateOf: (auctionId: string) => AuctionState | undefined;
  /** Take in a command nobody waits on (an open, a close). */
  readonly issue: (command: AuctionCommand) => void;
}

/** Opens and closes the auctions of this house's partitions when their time comes. */
export class DeadlineScheduler implements DeadlineArming {
  readonly #options: DeadlineSchedulerOptions;
  readonly #deadlines = new DeadlineHeap();
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(options: DeadlineSchedulerOptions) {
    this.#options = options;
  }

  /** Deadlines armed. */
  get size(): number {
    return this.#deadlines.size;
  }

  arm(auctionId: string, at: number): void {
    this.#deadlines.arm(auctionId, at);
    this.#planLook();
  }

  /** Forget the deadlines of these auctions (their partition has another owner now). */
  disarm(auctionIds: Iterable<string>): void {
    this.#deadlines.disarm(auctionIds);
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }

  /** One timer for all deadlines: it wakes at the earliest, and at least every 100 ms for fake clocks. */
  #planLook(): void {
    if (!this.#options.lifecycle.running || this.#deadlines.size === 0) return;
    const wait = Math.max(0, Math.min(SCHEDULER_LOOK_MS, this.#deadlines.peek() - this.#options.clock.now()));
    const at = Date.now() + wait;
    if (this.#timer !== null && this.#timerAt <= at) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#look(), wait);
    // No timer of a house keeps the process alive: a script that never stops its house still ends.
    this.#timer.unref();
  }

  #look(): void {
    this.#timer = null;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const { lifecycle, clock, stateOf, issue, closeGraceMs } = this.#options;
    if (!lifecycle.running) return;
    const now = clock.now();
    for (const auctionId of this.#deadlines.popDue(now)) {
      const state = stateOf(auctionId);
      if (state === undefined) continue;
      if (state.status === 'scheduled') {
        if (now >= state.spec.startsAt) issue({ type: 'open', auctionId, receivedAt: now });
        this.#deadlines.arm(auctionId, now >= state.spec.startsAt ? state.endsAt : state.spec.startsAt);
      } else if (state.status === 'open') {
        const closeAt = state.endsAt + closeGraceMs;
        if (now >= closeAt) issue({ type: 'close', auctionId, receivedAt: now });
        else this.#deadlines.arm(auctionId, closeAt);
      }
    }
    this.#planLook();
  }
}
