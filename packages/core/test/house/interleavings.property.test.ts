import { type BidOutcome, type CreateAuctionInput, createAuctionHouse, createAuctionInputSchema } from '@outcry/core';
import { buildAuctionSpec } from '@outcry/core/engine';
import { createFakeClock, createReferenceModel, eventually, type ReferenceCommand } from '@outcry/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const bidArb = fc.record({
  bidderId: fc.constantFrom('b1', 'b2', 'b3', 'seller'),
  amount: fc.integer({ min: 1, max: 60 }).map((n) => n * 50),
  /** How far the clock moves before this call is made. */
  stepMs: fc.constantFrom(0, 0, 1, 40, 250),
});

const auctionArb = fc.record({
  reservePrice: fc.option(fc.integer({ min: 100, max: 2_000 }), { nil: undefined }),
  buyNowPrice: fc.option(fc.integer({ min: 2_500, max: 4_000 }), { nil: undefined }),
  softClose: fc.option(
    fc.record({
      windowMs: fc.constantFrom(100, 500),
      extendMs: fc.constantFrom(100, 300),
      mode: fc.constantFrom('reset' as const, 'add' as const),
    }),
    { nil: undefined },
  ),
});

describe('AuctionHouse under random interleavings and clocks', () => {
  it('judges concurrent calls in intake order exactly as the reference model does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        auctionArb,
        fc.array(bidArb, { minLength: 1, maxLength: 25 }),
        async (s, options, bids) => {
          const clock = createFakeClock();
          const house = createAuctionHouse({ clock, partitions: 2 });
          await house.start();
          try {
            const start = clock.now();
            const input: CreateAuctionInput = {
              id: 'lot',
              sellerId: 'seller',
              title: 'Lot',
              currency: 'USD',
              startingPrice: 100,
              endsAt: start + 1_000,
              ...(options.reservePrice === undefined ? {} : { reservePrice: options.reservePrice }),
              ...(options.buyNowPrice === undefined ? {} : { buyNowPrice: options.buyNowPrice }),
              ...(options.softClose === undefined ? {} : { softClose: options.softClose }),
            };
            await house.createAuction(input);
            const spec = buildAuctionSpec(createAuctionInputSchema.parse(input), 'lot', start);
            const intake: ReferenceCommand[] = [];
            const calls = bids.map((bid, i) =>
              s.schedule(Promise.resolve(i), `bid ${i}`).then(() => {
                clock.advance(bid.stepMs);
                const command: ReferenceCommand = {
                  type: 'bid',
                  bidId: `k${i}`,
                  bidderId: bid.bidderId,
                  amount: bid.amount,
                  receivedAt: clock.now(),
                };
                intake.push(command);
                return house.placeBid({ auctionId: 'lot', bidderId: bid.bidderId, amount: bid.amount, bidId: `k${i}` });
              }),
            );
            await s.waitAll();
            const outcomes = await Promise.all(calls);
            const byId = new Map<string, BidOutcome>(outcomes.map((o) => [o.bidId, o]));
            const model = createReferenceModel(spec, start);
            for (const command of intake) {
              const verdict = model.apply(command);
              const outcome = byId.get((command as { bidId: string }).bidId);
              expect(outcome?.status).toBe(verdict.status);
              if (outcome?.status === 'rejected') expect(outcome.code).toBe(verdict.code);
              else expect(outcome).toMatchObject({ price: verdict.view.price, leaderId: verdict.view.leaderId });
            }
            clock.set(Math.max(clock.now(), model.view().endsAt) + 1);
            const closed = await eventually(async () => {
              const view = await house.getAuction('lot');
              return view?.status === 'closed' ? view : undefined;
            });
            const expected = model.apply({ type: 'close', receivedAt: clock.now() }).view;
            expect(closed).toMatchObject({
              price: expected.price,
              leaderId: expected.leaderId,
              bidCount: expected.bidCount,
              endsAt: expected.endsAt,
              extensions: expected.extensions,
              result: expected.result,
            });
          } finally {
            await house.stop();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
