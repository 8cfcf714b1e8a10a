import type { AuctionEvent, BidOutcome, CommandOutcome, PublicAuction } from '../engine/types.js';

/** The answer to a command taken in by another house, sent back to that house only. */
export interface RoutedOutcome {
  readonly commandId: string;
  readonly outcome: CommandOutcome | BidOutcome;
}

export type AnswerHandler = (outcomes: readonly RoutedOutcome[]) => void;

/** What a sequencer publishes after each group commit of a partition. */
export interface BroadcastMessage {
  readonly partition: number;
  /** The house whose sequencer published it (that house has already cached the snapshots). */
  readonly origin?: string | undefined;
  readonly events: readonly AuctionEvent[];
  /**
   * The latest public view of each auction that changed, for caches of other processes; empty
   * when the house's cache is shared (every process reads the view the sequencer stored).
   */
  readonly snapshots: readonly PublicAuction[];
}

export type BroadcastHandler = (message: BroadcastMessage) => void;

/** The value of a JSON text read off a bus, or null when it is not JSON. */
export function parsedOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The message in a broadcast's JSON text; null for anything else read off a channel (another
 * program's message, a truncated payload), which broadcasters drop instead of handing it to
 * handlers that would fail on it.
 */
export function parseBroadcastMessage(text: string): BroadcastMessage | null {
  const value = parsedOrNull(text);
  if (typeof value !== 'object' || value === null) return null;
  const message = value as Record<string, unknown>;
  const wellFormed =
    Number.isInteger(message.partition) &&
    (message.origin === undefined || typeof message.origin === 'string') &&
    Array.isArray(message.events) &&
    Array.isArray(message.snapshots);
  return wellFormed ? (value as BroadcastMessage) : null;
}

/** The outcomes in an answer's JSON text; null for anything else (dropped, as for broadcasts). */
export function parseAnswers(text: string): RoutedOutcome[] | null {
  const value = parsedOrNull(text);
  if (!Array.isArray(value)) return null;
  for (const item of value) {
    if (typeof item !== 'object' || item === null) return null;
    const { commandId, outcome } = item as Record<string, unknown>;
    if (typeof commandId !== 'string' || typeof outcome !== 'object' || outcome === null) return null;
  }
  return value as RoutedOutcome[];
}

/** The answer handlers of the houses of one broadcaster: what `receiveAnswers` registers. */
export class AnswerHandlers {
  readonly #byHouse = new Map<string, Set<AnswerHandler>>();

  /** Registers a handler; true when it is the house's first here. */
  add(houseId: string, handler: AnswerHandler): boolean {
    const handlers = this.#byHouse.get(houseId);
    if (handlers !== undefined) {
      handlers.add(handler);
      return false;
    }
    this.#byHouse.set(houseId, new Set([handler]));
    return true;
  }

  /** Removes a handler; true when it was the house's last here. */
  remove(houseId: string, handler: AnswerHandler): boolean {
    const handlers = this.#byHouse.get(houseId);
    if (handlers === undefined || !handlers.delete(handler) || handlers.size > 0) return false;
    this.#byHouse.delete(houseId);
    return true;
  }

  has(houseId: string): boolean {
    return this.#byHouse.has(houseId);
  }

  /** Hands the outcomes to the house's handlers; false when it has none here. */
  deliver(houseId: string, outcomes: readonly RoutedOutcome[]): boolean {
    const handlers = this.#byHouse.get(houseId);
    if (handlers === undefined) return false;
    for (const handler of handlers) handler(outcomes);
    return true;
  }

  clear(): void {
    this.#byHouse.clear();
  }
}

/**
 * Fan-out of committed changes to every process that listens, and answers to the one house
 * that waits for them.
 */
export interface Broadcaster {
  /**
   * Deliver to every subscriber of the partition, in every process. On a backend declaring
   * `capabilities.commitPublishes` the house calls it after the commit with the message the
   * commit published already: the broadcaster then delivers it in this process only.
   */
  publish(message: BroadcastMessage): Promise<void>;
  /** Receive messages of the given partitions; resolves once subscribed. Returns the unsubscribe. */
  subscribe(partitions: readonly number[], handler: BroadcastHandler): Promise<() => Promise<void>>;
  /**
   * Deliver outcomes to the house `origin`, wherever it runs, and to nobody else: a house
   * receives the answers to its own callers only, however many houses share the bus. Sent
   * after the partition's message of the same commit, and delivered after it where both reach
   * one process (a cache filled from broadcasts holds the caller's write before it is answered).
   */
  sendAnswers(origin: string, outcomes: readonly RoutedOutcome[]): Promise<void>;
  /** Receive the outcomes sent to `houseId`; resolves once listening. Returns the unsubscribe. */
  receiveAnswers(houseId: string, handler: AnswerHandler): Promise<() => Promise<void>>;
  close?(): Promise<void>;
}
