import { isOutcryError } from '../../errors.js';
import type { AuctionHouse } from '../../house/auction-house.js';
import { sleep } from '../eventually.js';

/** A house taking bids; `dead` settles when it is killed, so that its callers stop waiting. */
export interface TrafficMember {
  readonly house: AuctionHouse;
  running: boolean;
  readonly dead?: Promise<void>;
}

const DEAD: unique symbol = Symbol('dead');

/**
 * Callers bidding on `auctionIds` through whichever running member they pick, each bid a bit
 * above the last one sent for its auction, with a pause between bids so that partitions fall
 * idle and their queue reads block, as in a quiet hour.
 */
export class BidTraffic {
  readonly accepted: string[] = [];
  readonly failures: string[] = [];
  /** How many bids each house answered accepted. */
  readonly acceptedBy = new Map<AuctionHouse, number>();
  /** Bids whose house died before answering: they may or may not be in the ledger. */
  unanswered = 0;
  readonly #amounts = new Map<string, number>();
  #running = true;
  readonly #lanes: Promise<void>[];
  readonly auctionIds: readonly string[];

  constructor(members: () => readonly TrafficMember[], auctionIds: readonly string[], lanes = 6) {
    this.auctionIds = auctionIds;
    this.#lanes = Array.from({ length: lanes }, (_, lane) => this.#lane(lane, members));
  }

  async #lane(lane: number, members: () => readonly TrafficMember[]): Promise<void> {
    while (this.#running) {
      const live = members().filter((member) => member.running);
      const member = live[Math.floor(Math.random() * live.length)];
      if (member === undefined) return;
      const auctionId = this.auctionIds[Math.floor(Math.random() * this.auctionIds.length)] as string;
      const amount = (this.#amounts.get(auctionId) ?? 1_000) + 1 + Math.floor(Math.random() * 3);
      this.#amounts.set(auctionId, amount);
      try {
        const bidding = member.house.placeBid({ auctionId, bidderId: `bidder-${lane}`, amount });
        const outcome = await Promise.race([bidding, member.dead?.then((): typeof DEAD => DEAD) ?? bidding]);
        if (outcome === DEAD) this.unanswered++;
        else if (outcome.status === 'accepted') {
          this.accepted.push(outcome.bidId);
          this.acceptedBy.set(member.house, (this.acceptedBy.get(member.house) ?? 0) + 1);
        }
      } catch (error) {
        // A house that began to stop after it was picked refuses new bids: the caller goes elsewhere.
        if (!(isOutcryError(error) && error.code === 'SHUTTING_DOWN')) this.failures.push(String(error));
      }
      await sleep(10);
    }
  }

  /** Stops sending, and resolves once every caller has its last answer. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#lanes);
  }
}
