import fc from 'fast-check';
import { expect } from 'vitest';
import { applyCommand } from '../../engine/apply-command.js';
import { isMoney, MAX_AMOUNT } from '../../engine/money.js';
import { replayCommands } from '../../engine/replay.js';
import type { AuctionCommand, AuctionState, BidOutcome } from '../../engine/types.js';
import type { AuctionHouse } from '../../house/auction-house.js';
import type { AuctionStore } from '../../ports/auction-store.js';
import { eventually } from '../eventually.js';
import type { FakeClock } from '../fake-clock.js';

/** A wave of commands sent together (so one group commit may hold several), a jump of the clock, or a cancel. */
type Move =
  | { type: 'wave'; bids: Array<{ lot: number; bidder: string; amount: number; buyNow: boolean; again: boolean }> }
  | { type: 'wait'; ms: number }
  | { type: 'cancel'; lot: number };

const LOTS = 3;
const bidderArb = fc.constantFrom('seller', 'ann', 'ben', 'cat');
const moveArb: fc.Arbitrary<Move> = fc.oneof(
  {
    weight: 7,
    arbitrary: fc.record({
      type: fc.constant('wave' as const),
      bids: fc.array(
        fc.record({
          lot: fc.nat(LOTS - 1),
          bidder: bidderArb,
          amount: fc.oneof(
            fc.integer({ min: 0, max: 8_000 }),
            fc.constant(0.5),
            fc.constant(MAX_AMOUNT),
            fc.constant(Number.MAX_SAFE_INTEGER),
          ),
          buyNow: fc.nat(9).map((n) => n === 0),
          again: fc.nat(5).map((n) => n === 0),
        }),
        { minLength: 1, maxLength: 8 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('wait' as const),
      // Short waits land inside the soft-close window; long ones pass every end, so each run may close lots.
      ms: fc.oneof(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 90_000, max: 400_000 })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('cancel' as const), lot: fc.nat(LOTS - 1) }) },
);
const lotArb = fc.record({
  reservePrice: fc.option(fc.integer({ min: 1_500, max: 5_000 }), { nil: undefined }),
  buyNowPrice: fc.option(fc.integer({ min: 5_000, max: 9_000 }), { nil: undefined }),
  softClose: fc.boolean(),
  tiered: fc.boolean(),
});
const scenarioArb = fc.record({
  lots: fc.array(lotArb, { minLength: LOTS, maxLength: LOTS }),
  moves: fc.array(moveArb, { minLength: 1, maxLength: 10 }),
});

/** How often each path was taken: every one must be, or the comparison proved less than it claims. */
export type DifferentialPaths = Record<'accepted' | 'rejected' | 'repeated' | 'closed' | 'cancelled', number>;

/**
 * Sends the same random command sequences to `house` (judging by `clock`) and to the pure engine,
 * and expects the same outcomes, the same stored states, and ledgers that replay to them.
 */
export async function expectSameAsEngine(
  house: AuctionHouse,
  store: AuctionStore,
  clock: FakeClock,
  numRuns: number,
): Promise<DifferentialPaths> {
  let serial = 0;
  const seen: DifferentialPaths = { accepted: 0, rejected: 0, repeated: 0, closed: 0, cancelled: 0 };
  await fc.assert(
    fc.asyncProperty(scenarioArb, async ({ lots, moves }) => {
      const startsAt = clock.now();
      const ids: string[] = [];
      const model: AuctionState[] = [];
      for (const lot of lots) {
        const created = await house.createAuction({
          sellerId: 'seller',
          title: 'Differential lot',
          currency: 'USD',
          startingPrice: 1_000,
          increment: lot.tiered ? { type: 'table' } : { type: 'fixed', amount: 250 },
          startsAt,
          endsAt: startsAt + 90_000,
          ...(lot.reservePrice === undefined ? {} : { reservePrice: lot.reservePrice }),
          ...(lot.buyNowPrice === undefined ? {} : { buyNowPrice: lot.buyNowPrice }),
          ...(lot.softClose ? { softClose: { windowMs: 30_000, extendMs: 15_000 } } : {}),
        });
        const [stored] = await store.getMany([created.id]);
        if (stored == null) throw new Error('A created auction is in the store.');
        const fresh = applyCommand(null, { type: 'create', spec: stored.spec, receivedAt: stored.spec.createdAt });
        expect(stored).toEqual(fresh.state);
        ids.push(created.id);
        model.push(stored);
      }
      const judge = (lot: number, command: AuctionCommand) => {
        const decision = applyCommand(model[lot] as AuctionState, command);
        if (decision.state !== null) model[lot] = decision.state;
        return decision.outcome;
      };
      const firstOutcome = new Map<string, BidOutcome>();
      const sentBids: Array<{ lot: number; bidId: string; bidder: string; amount: number; buyNow: boolean }> = [];

      for (const move of moves) {
        if (move.type === 'wave') {
          const wave = move.bids.map((bid) => {
            const earlier = bid.again ? sentBids.find((b) => b.lot === bid.lot) : undefined;
            if (earlier !== undefined) return earlier;
            const fresh = { ...bid, bidId: `dx-${process.pid}-${++serial}` };
            sentBids.push(fresh);
            return fresh;
          });
          const answers = await Promise.all(
            wave.map((bid) =>
              bid.buyNow
                ? house.buyNow({ auctionId: ids[bid.lot] as string, bidderId: bid.bidder, bidId: bid.bidId })
                : house.placeBid({
                    auctionId: ids[bid.lot] as string,
                    bidderId: bid.bidder,
                    amount: bid.amount,
                    bidId: bid.bidId,
                  }),
            ),
          );
          // Per auction the house judges in intake order, which is the wave's order, at the clock's instant.
          const at = clock.now();
          wave.forEach((bid, i) => {
            const answer = answers[i];
            if (!bid.buyNow && !(isMoney(bid.amount) && bid.amount > 0)) {
              // Refused at intake: never judged, never recorded.
              expect(answer).toMatchObject({ status: 'rejected', code: 'INVALID_BID' });
              return;
            }
            // A repeated bidId answers its first outcome (the engine alone has no memory of it).
            const known = firstOutcome.get(bid.bidId);
            if (known !== undefined) {
              seen.repeated++;
              expect(answer).toEqual(known);
              return;
            }
            const auctionId = ids[bid.lot] as string;
            const expected = judge(
              bid.lot,
              bid.buyNow
                ? { type: 'buy-now', auctionId, bidId: bid.bidId, bidderId: bid.bidder, receivedAt: at }
                : {
                    type: 'bid',
                    auctionId,
                    bidId: bid.bidId,
                    bidderId: bid.bidder,
                    amount: bid.amount,
                    receivedAt: at,
                  },
            ) as BidOutcome;
            firstOutcome.set(bid.bidId, expected);
            seen[expected.status === 'accepted' ? 'accepted' : 'rejected']++;
            expect(answer).toEqual(expected);
          });
        } else if (move.type === 'wait') {
          clock.advance(move.ms);
          for (let lot = 0; lot < LOTS; lot++) {
            const state = model[lot] as AuctionState;
            if (state.status !== 'open' || clock.now() < state.endsAt) continue;
            // The house's scheduler closes it by itself, judged at the clock's instant.
            await eventually(
              async () => (await store.getMany([ids[lot] as string]))[0]?.status === 'closed',
              10_000,
              `the close of lot ${lot}`,
            );
            judge(lot, { type: 'close', auctionId: ids[lot] as string, receivedAt: clock.now() });
            seen.closed++;
          }
        } else {
          const auctionId = ids[move.lot] as string;
          const expected = judge(move.lot, {
            type: 'cancel',
            auctionId,
            by: 'seller',
            reason: null,
            receivedAt: clock.now(),
          });
          if (expected.status === 'accepted') {
            seen.cancelled++;
            expect((await house.cancelAuction(auctionId, { by: 'seller' })).status).toBe('cancelled');
          } else {
            await expect(house.cancelAuction(auctionId, { by: 'seller' })).rejects.toMatchObject({
              code: (expected as { code: string }).code,
            });
          }
        }
      }
      expect(await store.getMany(ids)).toEqual(model);
      for (const [lot, auctionId] of ids.entries()) {
        const ledger = await house.getLedger(auctionId, { limit: 10_000 });
        expect(ledger.map((entry) => entry.seq)).toEqual(Array.from({ length: ledger.length }, (_, i) => i + 1));
        expect(replayCommands(ledger.map((entry) => entry.command))).toEqual(model[lot]);
        // Leave nothing open that a later run's clock jump would close behind the model's back.
        if (model[lot]?.status === 'open') await house.cancelAuction(auctionId, { by: 'seller' });
      }
    }),
    { numRuns, endOnFailure: true },
  );
  return seen;
}
