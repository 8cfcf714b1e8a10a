import type { AuctionEvent, AuctionHouse } from '@outcry/core';
import type { FastifyBaseLogger } from 'fastify';

/** One lot of the demo catalogue. */
interface DemoLot {
  readonly title: string;
  readonly startingPrice: number;
  readonly reservePrice?: number;
  readonly buyNowPrice?: number;
  /** What the bots are willing to pay at most: a human can always beat them. */
  readonly botBudget: number;
}

const LOTS: readonly DemoLot[] = [
  { title: '1962 Fender Stratocaster', startingPrice: 50_000, reservePrice: 120_000, botBudget: 140_000 },
  { title: 'Leica M3 with 50mm Summicron', startingPrice: 30_000, buyNowPrice: 150_000, botBudget: 90_000 },
  { title: 'First-edition "Dune", signed', startingPrice: 10_000, botBudget: 40_000 },
  { title: 'Eames lounge chair (1970s)', startingPrice: 80_000, reservePrice: 150_000, botBudget: 170_000 },
  { title: 'Omega Speedmaster 145.022', startingPrice: 40_000, botBudget: 75_000 },
  { title: 'Vintage Lego Galaxy Explorer 497', startingPrice: 2_000, buyNowPrice: 30_000, botBudget: 12_000 },
];

const BOTS = ['demo-ann', 'demo-ben', 'demo-cleo'] as const;
const SELLER = 'demo-house';

/** Timing of the demo floor; tests shorten it. */
export interface DemoTiming {
  /** The first auction ends this long after start; each next one `staggerMs` later. */
  readonly firstEndMs: number;
  readonly staggerMs: number;
  /** A closed lot is put up again after this pause. */
  readonly relistAfterMs: number;
  /** Bots bid every `botEveryMs` on average (randomised), on a random open lot. */
  readonly botEveryMs: number;
  readonly softClose: { readonly windowMs: number; readonly extendMs: number };
}

const DEFAULT_TIMING: DemoTiming = {
  firstEndMs: 90_000,
  staggerMs: 45_000,
  relistAfterMs: 5_000,
  botEveryMs: 3_000,
  softClose: { windowMs: 20_000, extendMs: 20_000 },
};

/**
 * Demo auctions so that a newcomer sees live bidding at once: a few lots ending at staggered
 * times, each put up again when it closes, and bots that bid now and then, within a budget a
 * human can beat.
 */
export class DemoFloor {
  readonly #house: AuctionHouse;
  readonly #timing: DemoTiming;
  readonly #log: FastifyBaseLogger;
  readonly #lotOf = new Map<string, DemoLot>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #off: (() => void) | null = null;
  #stopped = false;
  #round = 0;

  constructor(house: AuctionHouse, log: FastifyBaseLogger, timing: Partial<DemoTiming> = {}) {
    this.#house = house;
    this.#log = log;
    this.#timing = { ...DEFAULT_TIMING, ...timing };
  }

  async start(): Promise<void> {
    const onEnd = (event: AuctionEvent) => {
      const lot = this.#lotOf.get(event.auctionId);
      if (lot === undefined) return;
      this.#lotOf.delete(event.auctionId);
      this.#later(this.#timing.relistAfterMs, () => this.#list(lot, this.#timing.firstEndMs));
    };
    const offClosed = this.#house.on('auction.closed', onEnd);
    const offCancelled = this.#house.on('auction.cancelled', onEnd);
    this.#off = () => {
      offClosed();
      offCancelled();
    };
    for (const [i, lot] of LOTS.entries()) await this.#list(lot, this.#timing.firstEndMs + i * this.#timing.staggerMs);
    this.#planBot();
  }

  stop(): void {
    this.#stopped = true;
    this.#off?.();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  async #list(lot: DemoLot, endsInMs: number): Promise<void> {
    if (this.#stopped) return;
    this.#round++;
    try {
      const auction = await this.#house.createAuction({
        sellerId: SELLER,
        title: lot.title,
        currency: 'USD',
        startingPrice: lot.startingPrice,
        ...(lot.reservePrice === undefined ? {} : { reservePrice: lot.reservePrice }),
        ...(lot.buyNowPrice === undefined ? {} : { buyNowPrice: lot.buyNowPrice }),
        endsAt: Date.now() + endsInMs,
        softClose: this.#timing.softClose,
        metadata: { demo: true, round: this.#round },
      });
      this.#lotOf.set(auction.id, lot);
    } catch (error) {
      this.#log.warn({ err: error }, 'demo: could not list a lot');
    }
  }

  #planBot(): void {
    const delay = this.#timing.botEveryMs * (0.5 + Math.random());
    this.#later(delay, async () => {
      await this.#botBid().catch((error: unknown) => this.#log.debug({ err: error }, 'demo: bot bid failed'));
      this.#planBot();
    });
  }

  async #botBid(): Promise<void> {
    const ids = [...this.#lotOf.keys()];
    if (ids.length === 0) return;
    const auctionId = ids[Math.floor(Math.random() * ids.length)] as string;
    const [auction] = await this.#house.getAuctions([auctionId]);
    const lot = this.#lotOf.get(auctionId);
    if (auction == null || lot === undefined || auction.status !== 'open' || auction.minimumBid === null) return;
    const others = BOTS.filter((bot) => bot !== auction.leaderId);
    const bidderId = others[Math.floor(Math.random() * others.length)] as string;
    // A modest maximum: the minimum plus up to a few increments, never past the bot budget.
    const amount = Math.min(
      lot.botBudget,
      auction.minimumBid + Math.floor(Math.random() * 4) * (auction.minimumBid - auction.price),
    );
    if (amount < auction.minimumBid) return;
    await this.#house.placeBid({ auctionId, bidderId, amount });
  }

  #later(ms: number, run: () => unknown): void {
    if (this.#stopped) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#stopped) void run();
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }
}
