import { applyCommand } from '../engine/apply-command.js';
import { fingerprintBid, judgeRepeatedBid } from '../engine/idempotency.js';
import type { AuctionEvent, AuctionState } from '../engine/types.js';
import type { LedgerEntry, StoredOutcome } from '../ports/auction-store.js';
import { RecentBids } from './recent-bids.js';
import { auctionIdOf, type SequencedCommand } from './sequenced-command.js';
import type { Answer } from './sequencer-links.js';

/** What judging a batch decided: the changes to commit, and what follows once they are committed. */
export interface Judgement {
  /** States before the batch, of every auction it changed (undefined: created by it). */
  readonly before: ReadonlyMap<string, AuctionState | undefined>;
  /** Callers' bidIds it added to the bids remembered. */
  readonly judgedBids: readonly string[];
  /** The latest state of every auction it changed. */
  readonly changed: readonly AuctionState[];
  readonly ledger: readonly LedgerEntry[];
  readonly outcomes: readonly StoredOutcome[];
  /** BidIds among `outcomes` minted by their origin: no earlier outcome can exist. */
  readonly freshBidIds: ReadonlySet<string>;
  readonly events: AuctionEvent[];
  readonly answers: readonly Answer[];
  /** Auctions a command came to before they were due: look again then. */
  readonly notDue: readonly { readonly auctionId: string; readonly at: number }[];
}

/** What to read from the store before a batch can be judged. */
export interface MissingData {
  readonly auctionIds: readonly string[];
  /** BidIds whose earlier outcome (if any) must be known to answer a repeat. */
  readonly bidIds: readonly string[];
}

const NO_FRESH_BIDS: ReadonlySet<string> = new Set();

/** When an auction needs looking at next (to open or close it); null once it has ended. */
export function dueOf(state: AuctionState): number | null {
  if (state.status === 'scheduled') return state.spec.startsAt;
  if (state.status === 'open') return state.endsAt;
  return null;
}

/**
 * The memory of one partition's writer and the rules applied to it, without I/O: it judges
 * commands in FIFO order against the states it holds (which move on at once), undoes a batch
 * whose commit failed, and says what to load before judging and what to look at after.
 */
export class BatchJudge {
  readonly #states = new Map<string, AuctionState>();
  readonly #recent: RecentBids;
  /** Set after a failed commit until a batch commits: see forget. */
  #unsure = false;

  constructor(recentBids: number) {
    this.#recent = new RecentBids(recentBids);
  }

  stateOf(auctionId: string): AuctionState | undefined {
    return this.#states.get(auctionId);
  }

  get size(): number {
    return this.#states.size;
  }

  auctionIds(): IterableIterator<string> {
    return this.#states.keys();
  }

  /** What to read before judging `entries`: auctions not in memory, bidIds that may repeat. */
  missing(entries: readonly SequencedCommand[]): MissingData {
    const auctionIds = new Set<string>();
    const bidIds: string[] = [];
    for (const entry of entries) {
      const { command, fresh } = entry;
      const auctionId = auctionIdOf(entry);
      if (!this.#states.has(auctionId)) auctionIds.add(auctionId);
      // A bidId minted by the origin has no past: only callers' own ids need a look.
      const isBid = command.type === 'bid' || command.type === 'buy-now';
      if (isBid && (fresh !== true || this.#unsure) && this.#recent.get(command.bidId) === undefined) {
        bidIds.push(command.bidId);
      }
    }
    return { auctionIds: [...auctionIds], bidIds };
  }

  /** Take in what the store holds. */
  absorb(states: readonly (AuctionState | null)[], outcomes: readonly (StoredOutcome | null)[]): void {
    for (const state of states) if (state !== null) this.#states.set(state.spec.id, state);
    for (const stored of outcomes) if (stored !== null) this.#recent.set(stored.bidId, stored);
  }

  /** Judge commands in FIFO order against the states in memory, which move on at once. */
  judge(entries: readonly SequencedCommand[]): Judgement {
    const before = new Map<string, AuctionState | undefined>();
    const judgedBids: string[] = [];
    const ledger: LedgerEntry[] = [];
    const outcomes: StoredOutcome[] = [];
    const events: AuctionEvent[] = [];
    const answers: Answer[] = [];
    const notDue: { auctionId: string; at: number }[] = [];
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
      const auctionId = auctionIdOf(entry);
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
      if (outcome.status === 'not-due') notDue.push({ auctionId, at: outcome.dueAt });
      answers.push({ entry, outcome });
    }
    const changed: AuctionState[] = [];
    for (const id of before.keys()) changed.push(this.#states.get(id) as AuctionState);
    const fresh = freshBidIds ?? NO_FRESH_BIDS;
    return { before, judgedBids, changed, ledger, outcomes, freshBidIds: fresh, events, answers, notDue };
  }

  /** Undo a batch whose commit failed: memory goes back to what the store holds. */
  rollBack(judgement: Judgement): void {
    for (const [id, state] of judgement.before) {
      if (state === undefined) this.#states.delete(id);
      else this.#states.set(id, state);
    }
    for (const bidId of judgement.judgedBids) this.#recent.delete(bidId);
  }

  /**
   * After a failed commit nobody knows whether it landed (the reply may be what was lost):
   * the batch's auctions are reloaded from the store and every bidId is looked up, so a
   * retry finds what did land and answers it as a repeat instead of writing it twice.
   */
  forget(entries: readonly SequencedCommand[]): void {
    this.#unsure = true;
    for (const entry of entries) this.#states.delete(auctionIdOf(entry));
  }

  /** A commit landed: memory and store agree again. */
  landed(): void {
    this.#unsure = false;
  }

  /**
   * Let go of what is held of the entries' auctions, so that they are read again before being
   * judged: with bids judged where they land, other houses commit to them too.
   */
  release(entries: readonly SequencedCommand[]): void {
    for (const entry of entries) this.#states.delete(auctionIdOf(entry));
  }

  /** Let go of every state held: each is read again when next needed. */
  releaseAll(): void {
    this.#states.clear();
  }

  /**
   * A committed batch is done with: ended auctions leave memory (a late command reloads them).
   * Returns the auctions whose next deadline it moved.
   */
  committed(judgement: Judgement): { readonly auctionId: string; readonly at: number }[] {
    const moved: { auctionId: string; at: number }[] = [];
    for (const state of judgement.changed) {
      const id = state.spec.id;
      if ((state.status === 'closed' || state.status === 'cancelled') && this.#states.get(id) === state) {
        this.#states.delete(id);
        continue;
      }
      // Most bids move no deadline: only a new status or end counts.
      const due = dueOf(state);
      const previous = judgement.before.get(id);
      if (due !== null && (previous === undefined || dueOf(previous) !== due)) moved.push({ auctionId: id, at: due });
    }
    return moved;
  }
}
