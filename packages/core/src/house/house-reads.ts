import { toPublicAuction } from '../engine/public-view.js';
import type { BidOutcome, PublicAuction } from '../engine/types.js';
import { OutcryError } from '../errors.js';
import type { AuctionStore, LedgerEntry } from '../ports/auction-store.js';
import type { Clock } from '../ports/clock.js';
import type { SnapshotCache } from '../ports/snapshot-cache.js';
import { isAuctionId } from '../schemas/auction-id.js';
import {
  type GetBidsInput,
  getBidsInputSchema,
  type ListAuctionsInput,
  listAuctionsInputSchema,
} from '../schemas/input-schemas.js';
import { isOpaqueId } from '../schemas/opaque-id.js';
import { parseInput } from '../schemas/parse-input.js';
import type { AuctionStats, PublicBid } from './house-types.js';

/** The reads of a house: views through the snapshot cache, lists and histories from the store. */
export class HouseReads {
  readonly #store: AuctionStore;
  readonly #cache: SnapshotCache;
  readonly #clock: Clock;

  constructor(store: AuctionStore, cache: SnapshotCache, clock: Clock) {
    this.#store = store;
    this.#cache = cache;
    this.#clock = clock;
  }

  /** Public views in the same order, null for missing: one cache read and one store read at most. */
  async getAuctions(auctionIds: readonly string[]): Promise<(PublicAuction | null)[]> {
    const cached = await this.#cache.getMany(auctionIds);
    const missing: string[] = [];
    cached.forEach((auction, i) => {
      // An id no auction can have is not looked up: a store may refuse it as a query.
      if (auction === undefined && isAuctionId(auctionIds[i])) missing.push(auctionIds[i] as string);
    });
    if (missing.length === 0) return cached.map((auction) => auction ?? null);
    const loaded = await this.#store.getMany(missing);
    const found = new Map<string, PublicAuction>();
    for (const state of loaded) if (state !== null) found.set(state.spec.id, toPublicAuction(state));
    if (found.size > 0) await this.#cache.setMany([...found.values()]);
    return cached.map((auction, i) => auction ?? found.get(auctionIds[i] as string) ?? null);
  }

  async listAuctions(input: ListAuctionsInput): Promise<{ items: PublicAuction[]; nextCursor: string | null }> {
    const query = parseInput(listAuctionsInputSchema, input, 'INVALID_INPUT', 'list query');
    const page = await this.#store.list(query);
    return { items: page.items.map(toPublicAuction), nextCursor: page.nextCursor };
  }

  async getBids(auctionId: string, input: GetBidsInput): Promise<{ items: PublicBid[] }> {
    const query = parseInput(getBidsInputSchema, input, 'INVALID_INPUT', 'bid history query');
    if (!isAuctionId(auctionId)) return { items: [] };
    const entries = await this.#store.getBids(auctionId, query);
    return { items: entries.map(toPublicBid) };
  }

  async getStats(auctionId: string): Promise<AuctionStats | null> {
    const [auction] = await this.getAuctions([auctionId]);
    if (auction === null || auction === undefined) return null;
    const bidders = new Set<string>();
    for (let afterSeq = 0; ; ) {
      const page = await this.#store.getBids(auctionId, { afterSeq, limit: 1_000 });
      for (const entry of page) bidders.add(toPublicBid(entry).bidderId);
      const last = page.at(-1);
      if (last === undefined || page.length < 1_000) break;
      afterSeq = last.seq;
    }
    const priceIncrease = auction.bidCount === 0 ? 0 : auction.price - auction.startingPrice;
    const live = auction.status === 'open' || auction.status === 'scheduled';
    return {
      bidCount: auction.bidCount,
      uniqueBidders: bidders.size,
      startingPrice: auction.startingPrice,
      price: auction.price,
      priceIncrease,
      priceIncreasePct:
        auction.startingPrice === 0 ? null : Math.round((priceIncrease / auction.startingPrice) * 10_000) / 100,
      extensions: auction.extensions,
      timeLeftMs: live ? Math.max(0, auction.endsAt - this.#clock.now()) : 0,
    };
  }

  async warmCache(auctionIds?: readonly string[]): Promise<number> {
    if (auctionIds !== undefined) {
      const states = await this.#store.getMany(auctionIds);
      const views = states.filter((s) => s !== null).map(toPublicAuction);
      await this.#cache.setMany(views);
      return views.length;
    }
    const page = await this.#store.list({ status: 'open', limit: 500 });
    await this.#cache.setMany(page.items.map(toPublicAuction));
    return page.items.length;
  }

  async clearCache(): Promise<void> {
    await this.#cache.clear();
  }

  async getLedger(auctionId: string, query: { afterSeq?: number; limit?: number }): Promise<LedgerEntry[]> {
    if (!isAuctionId(auctionId)) return [];
    return this.#store.getLedger(auctionId, { afterSeq: query.afterSeq ?? 0, limit: query.limit ?? 1_000 });
  }

  async getBidOutcome(bidId: string): Promise<BidOutcome | null> {
    if (!isOpaqueId(bidId)) return null;
    const [stored] = await this.#store.getOutcomes([bidId]);
    return stored?.outcome ?? null;
  }
}

function toPublicBid(entry: LedgerEntry): PublicBid {
  const command = entry.command;
  if (command.type !== 'bid' && command.type !== 'buy-now') throw new OutcryError('UNAVAILABLE', 'Not a bid entry.');
  return {
    seq: entry.seq,
    bidId: command.bidId,
    bidderId: command.bidderId,
    price: entry.price,
    leaderId: entry.leaderId,
    at: command.receivedAt,
    buyNow: command.type === 'buy-now',
  };
}
