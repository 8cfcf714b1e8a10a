import { type AuctionHouse, isOutcryError } from '@outcry/core';

/** An auction of the battery and the partition its commands go to. */
export interface LoadAuction {
  readonly id: string;
  readonly partition: number;
}

/** What one bid's caller was told. */
export interface BidRecord {
  readonly bidId: string;
  readonly auctionId: string;
  readonly partition: number;
  /** Index of the house it was sent through. */
  readonly house: number;
  readonly sentAt: number;
  answeredAt: number | null;
  /** 'accepted', 'rejected', or 'error' when the call threw (TIMEOUT, UNAVAILABLE...). */
  status: 'pending' | 'accepted' | 'rejected' | 'error';
  /** The rejection's or the error's code. */
  code: string | null;
}

/** Sends per tick of this length. */
const TICK_MS = 20;

/**
 * An open loop of bids at a steady rate, spread over the auctions and the houses in turn, each
 * with a bidId of its own and an amount above the last one sent to its auction. It records what
 * every caller was told, and keeps sending whatever the answers.
 */
export class BidLoad {
  readonly records: BidRecord[] = [];
  readonly #houses: readonly AuctionHouse[];
  readonly #auctions: readonly LoadAuction[];
  readonly #perTick: number;
  readonly #label: string;
  readonly #amounts = new Map<string, number>();
  readonly #answers = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #sent = 0;

  constructor(options: {
    houses: readonly AuctionHouse[];
    auctions: readonly LoadAuction[];
    bidsPerSecond: number;
    label: string;
  }) {
    this.#houses = options.houses;
    this.#auctions = options.auctions;
    this.#perTick = Math.max(1, Math.round((options.bidsPerSecond * TICK_MS) / 1_000));
    this.#label = options.label;
  }

  start(): void {
    this.#timer ??= setInterval(() => {
      for (let i = 0; i < this.#perTick; i++) this.#send();
    }, TICK_MS);
  }

  /** Stops sending and waits for every caller to be answered. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await Promise.all(this.#answers);
  }

  /**
   * The latest send time, from `since` on, of a bid that was not served: its caller got an error,
   * or waited more than `maxLatencyMs` (or is still waiting that long). Null when all were served.
   */
  lastUnservedSince(since: number, maxLatencyMs: number): number | null {
    const now = Date.now();
    let last: number | null = null;
    for (let i = this.records.length - 1; i >= 0; i--) {
      const record = this.records[i] as BidRecord;
      if (record.sentAt < since) break;
      if (last !== null && record.sentAt <= last) continue;
      const waited = (record.answeredAt ?? now) - record.sentAt;
      if (record.status === 'error' || waited > maxLatencyMs) last = record.sentAt;
    }
    return last;
  }

  /** The partitions with a bid sent at or after `since` and accepted. */
  partitionsAcceptingSince(since: number): Set<number> {
    const partitions = new Set<number>();
    for (let i = this.records.length - 1; i >= 0; i--) {
      const record = this.records[i] as BidRecord;
      if (record.sentAt < since) break;
      if (record.status === 'accepted') partitions.add(record.partition);
    }
    return partitions;
  }

  #send(): void {
    const n = this.#sent++;
    const auction = this.#auctions[n % this.#auctions.length] as LoadAuction;
    const houseIndex = Math.floor(n / this.#auctions.length) % this.#houses.length;
    const house = this.#houses[houseIndex] as AuctionHouse;
    const amount = (this.#amounts.get(auction.id) ?? 1_000) + 100;
    this.#amounts.set(auction.id, amount);
    const record: BidRecord = {
      bidId: `${this.#label}-${n}`,
      auctionId: auction.id,
      partition: auction.partition,
      house: houseIndex,
      sentAt: Date.now(),
      answeredAt: null,
      status: 'pending',
      code: null,
    };
    this.records.push(record);
    const answer = house
      .placeBid({ auctionId: auction.id, bidderId: `bidder-${n % 5}`, amount, bidId: record.bidId })
      .then(
        (outcome) => {
          record.status = outcome.status === 'accepted' ? 'accepted' : 'rejected';
          record.code = outcome.status === 'accepted' ? null : outcome.code;
        },
        (error: unknown) => {
          record.status = 'error';
          record.code = isOutcryError(error) ? error.code : String(error);
        },
      )
      .finally(() => {
        record.answeredAt = Date.now();
        this.#answers.delete(answer);
      });
    this.#answers.add(answer);
  }
}
