import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuctionEvent } from '../../engine/types.js';
import type { AuctionHouse } from '../../house/auction-house.js';
import type { AuctionStore } from '../../ports/auction-store.js';
import { codePointLength, MAX_ID_LENGTH } from '../../schemas/opaque-id.js';
import { eventually } from '../eventually.js';
import { NAMED_OPAQUE_IDS, opaqueIdArbitrary } from '../opaque-ids.js';
import { uniqueId } from './fixtures.js';

/** A running house and a store on the same backend to read back from (another instance, ideally). */
export interface OpaqueIdStack {
  readonly house: AuctionHouse;
  readonly store: AuctionStore;
  /**
   * Another started house on the same backend, when the stack has a broadcaster between
   * processes: the suite checks that its subscribers hear the ids unchanged.
   */
  readonly watcher?: AuctionHouse;
  /** Stops the houses and closes what the factory opened. */
  close(): Promise<void>;
}

export interface OpaqueIdRoundTripOptions {
  /** Runs of the property (besides the named ids); 20 by default. */
  readonly numRuns?: number;
  /** Time of each test, in ms; 30,000 by default. */
  readonly timeoutMs?: number;
}

/** `id`, with `tag` in front and cut to MAX_ID_LENGTH characters, so that every run has bidIds of its own. */
function tagged(tag: string, id: string): string {
  const room = MAX_ID_LENGTH - codePointLength(tag);
  return tag + Array.from(id).slice(0, room).join('');
}

/**
 * User ids and bidIds are opaque: every stack stores, keys and returns them byte for byte.
 * Arbitrary ids (and NAMED_OPAQUE_IDS) as seller, bidders, bidIds and canceller go through a
 * house and come back unchanged from it and from `store`: views, ledger, outcomes, idempotency.
 */
export function describeOpaqueIdRoundTrip(
  makeStack: () => Promise<OpaqueIdStack>,
  options: OpaqueIdRoundTripOptions = {},
): void {
  const numRuns = options.numRuns ?? 20;
  const timeoutMs = options.timeoutMs ?? 30_000;

  describe('opaque user ids and bidIds', () => {
    let stack: OpaqueIdStack;
    beforeAll(async () => {
      stack = await makeStack();
    }, timeoutMs);
    afterAll(async () => {
      await stack?.close();
    }, timeoutMs);

    const id = opaqueIdArbitrary({ maxLength: 40 });
    const people = fc
      .tuple(id, id, id)
      .filter(([seller, first, second]) => seller !== first && seller !== second && first !== second);
    const named = NAMED_OPAQUE_IDS.map((name, i): [[string, string, string], string, string] => {
      const next = NAMED_OPAQUE_IDS[(i + 1) % NAMED_OPAQUE_IDS.length] as string;
      const after = NAMED_OPAQUE_IDS[(i + 2) % NAMED_OPAQUE_IDS.length] as string;
      return [[name, next, after], next, name];
    });

    it(
      'keeps seller, bidder and bid ids byte for byte: views, ledger, outcomes and repeated bidIds',
      async () => {
        const { house, store, watcher } = stack;
        await fc.assert(
          fc.asyncProperty(people, id, id, async ([sellerId, first, second], firstKey, secondKey) => {
            const tag = `${uniqueId('rt')}|`;
            const firstBidId = tagged(tag, firstKey);
            const secondBidId = tagged(`${tag}2|`, secondKey);
            const auction = await house.createAuction({
              sellerId,
              title: `Lot of ${Array.from(sellerId).slice(0, 150).join('')}`,
              currency: 'USD',
              startingPrice: 100,
              endsAt: Date.now() + 3_600_000,
              metadata: { [sellerId]: [first, { [second]: firstKey }] },
            });
            expect(auction.sellerId).toBe(sellerId);
            const heard: AuctionEvent[] = [];
            const stopWatching = watcher?.subscribe(auction.id, (event) => heard.push(event));
            await stopWatching?.ready;
            const accepted = await house.placeBid({
              auctionId: auction.id,
              bidderId: first,
              amount: 500,
              bidId: firstBidId,
            });
            expect(accepted).toMatchObject({ status: 'accepted', bidId: firstBidId, leaderId: first });
            const outbid = await house.placeBid({
              auctionId: auction.id,
              bidderId: second,
              amount: 1_000,
              bidId: secondBidId,
            });
            expect(outbid).toMatchObject({ status: 'accepted', bidId: secondBidId, leaderId: second });
            const again = await house.placeBid({
              auctionId: auction.id,
              bidderId: first,
              amount: 500,
              bidId: firstBidId,
            });
            expect(again).toEqual(accepted);
            expect(await house.getBidOutcome(firstBidId)).toEqual(accepted);
            expect(await house.getBidOutcome(secondBidId)).toEqual(outbid);

            const [state] = await store.getMany([auction.id]);
            expect(state?.spec.sellerId).toBe(sellerId);
            expect(state?.spec.title).toBe(auction.title);
            expect(state?.spec.metadata).toEqual({ [sellerId]: [first, { [second]: firstKey }] });
            expect(state?.leaderId).toBe(second);
            const ledger = await store.getBids(auction.id, { afterSeq: 0, limit: 10 });
            expect(
              ledger.map((entry) =>
                entry.command.type === 'bid' ? [entry.command.bidderId, entry.command.bidId, entry.leaderId] : null,
              ),
            ).toEqual([
              [first, firstBidId, first],
              [second, secondBidId, second],
            ]);
            const outcomes = await store.getOutcomes([secondBidId, firstBidId, `${firstBidId} `]);
            expect(outcomes.map((stored) => stored && [stored.bidId, stored.bidderId, stored.outcome])).toEqual([
              [secondBidId, second, outbid],
              [firstBidId, first, accepted],
              null,
            ]);
            const history = await house.getBids(auction.id);
            expect(history.items.map((bid) => [bid.bidderId, bid.bidId])).toEqual([
              [first, firstBidId],
              [second, secondBidId],
            ]);
            const cancelled = await house.cancelAuction(auction.id, { by: sellerId, reason: `by ${sellerId}` });
            expect(cancelled).toMatchObject({ status: 'cancelled', sellerId, leaderId: second });
            if (stopWatching !== undefined) {
              const bidders = () =>
                heard.flatMap((event) => (event.type === 'bid.accepted' ? [[event.bidderId, event.bidId]] : []));
              await eventually(() => bidders().length >= 2, 10_000, 'the watcher to hear both bids');
              expect(bidders()).toEqual([
                [first, firstBidId],
                [second, secondBidId],
              ]);
              stopWatching();
            }
          }),
          { numRuns, examples: named },
        );
      },
      timeoutMs,
    );
  });
}
