import {
  type AuctionCommand,
  type AuctionHouse,
  type AuctionState,
  applyCommand,
  type BidOutcome,
  createAuctionHouse,
  isMoney,
  MAX_AMOUNT,
} from '@outcry/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayAuction } from '../src/index.js';
import { migratedAdapters, noDatabase } from './support/database.js';
import { eventually, ManualClock } from './support/manual-clock.js';

/** One step of a scenario: a group of bids sent at once (one group commit or a few), a wait, or a cancel. */
type Step =
  | { kind: 'bids'; bids: Array<{ bidderId: string; amount: number; buyNow: boolean; repeat: boolean }> }
  | { kind: 'advance'; ms: number }
  | { kind: 'cancel' };

const bidders = ['seller', 'ann', 'bob', 'cy', 'dee'];
const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('bids' as const),
      bids: fc.array(
        fc.record({
          bidderId: fc.constantFrom(...bidders),
          amount: fc.oneof(
            fc.integer({ min: 0, max: 6_000 }),
            fc.constant(MAX_AMOUNT),
            fc.constant(2 ** 53 - 1),
            fc.constant(1.5),
          ),
          buyNow: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
          repeat: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 40_000 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cancel' as const) }) },
);

const scenarioArbitrary = fc.record({
  reserve: fc.option(fc.integer({ min: 1_000, max: 4_000 }), { nil: undefined }),
  buyNowPrice: fc.option(fc.integer({ min: 4_000, max: 9_000 }), { nil: undefined }),
  softClose: fc.boolean(),
  steps: fc.array(stepArbitrary, { minLength: 1, maxLength: 12 }),
});

describe.skipIf(noDatabase)('differential: AuctionHouse on PostgreSQL against the pure engine', () => {
  const clock = new ManualClock();
  let adapters: Awaited<ReturnType<typeof migratedAdapters>>;
  let house: AuctionHouse;
  beforeAll(async () => {
    adapters = await migratedAdapters({ partitions: 4 });
    house = createAuctionHouse({ backend: adapters, clock });
    await house.start();
  });
  afterAll(async () => {
    await house.stop();
    await adapters.dispose();
  });

  it('gives the same outcomes and states for the same command sequences', async () => {
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        const start = clock.now();
        const created = await house.createAuction({
          sellerId: 'seller',
          title: 'Differential lot',
          currency: 'USD',
          startingPrice: 1_000,
          increment: { type: 'fixed', amount: 100 },
          startsAt: start,
          endsAt: start + 60_000,
          ...(scenario.reserve === undefined ? {} : { reservePrice: scenario.reserve }),
          ...(scenario.buyNowPrice === undefined ? {} : { buyNowPrice: scenario.buyNowPrice }),
          ...(scenario.softClose ? { softClose: { windowMs: 20_000, extendMs: 10_000 } } : {}),
        });
        const auctionId = created.id;
        const [first] = await adapters.store.getMany([auctionId]);
        if (!first) throw new Error('the created auction is in the store');
        let expected: AuctionState = applyCommand(null, { type: 'create', spec: first.spec, receivedAt: start })
          .state as AuctionState;
        expect(first).toEqual(expected);
        const pastBids: Array<{ bidId: string; bidderId: string; amount: number; buyNow: boolean }> = [];
        const firstOutcomes = new Map<string, BidOutcome>();

        const judge = (command: AuctionCommand) => {
          const decision = applyCommand(expected, command);
          if (decision.state) expected = decision.state;
          return decision.outcome;
        };

        for (const step of scenario.steps) {
          if (step.kind === 'bids') {
            const commands = step.bids.map((bid) => {
              const previous = bid.repeat ? pastBids.at(-1) : undefined;
              const chosen = previous ?? { ...bid, bidId: `d${++counter}` };
              if (previous === undefined) pastBids.push(chosen);
              return chosen;
            });
            const sent = commands.map((c) =>
              c.buyNow
                ? house.buyNow({ auctionId, bidderId: c.bidderId, bidId: c.bidId })
                : house.placeBid({ auctionId, bidderId: c.bidderId, amount: c.amount, bidId: c.bidId }),
            );
            const outcomes: BidOutcome[] = await Promise.all(sent);
            // The engine judges the same commands in the same order, at the same instant.
            const now = clock.now();
            for (const [i, c] of commands.entries()) {
              if (!c.buyNow && !(isMoney(c.amount) && c.amount >= 1)) {
                // Refused at intake, before any sequencer: never judged, never recorded.
                expect(outcomes[i]).toMatchObject({ status: 'rejected', code: 'INVALID_BID', bidId: c.bidId });
                continue;
              }
              // A repeated bidId answers its first outcome (the engine alone has no memory of it).
              const known = firstOutcomes.get(c.bidId);
              if (known !== undefined) {
                expect(outcomes[i]).toEqual(known);
                continue;
              }
              const judged = judge(
                c.buyNow
                  ? { type: 'buy-now', auctionId, bidId: c.bidId, bidderId: c.bidderId, receivedAt: now }
                  : { type: 'bid', auctionId, bidId: c.bidId, bidderId: c.bidderId, amount: c.amount, receivedAt: now },
              ) as BidOutcome;
              firstOutcomes.set(c.bidId, judged);
              expect(outcomes[i]).toEqual(judged);
            }
          } else if (step.kind === 'advance') {
            clock.advance(step.ms);
            if (expected.status === 'open' && clock.now() >= expected.endsAt) {
              // The house closes it on its own, judged at this instant.
              await eventually(
                () => adapters.store.getMany([auctionId]),
                ([s]) => s?.status === 'closed',
                10_000,
                'the close',
              );
              judge({ type: 'close', auctionId, receivedAt: clock.now() });
            }
          } else {
            const live = expected.status === 'open' || expected.status === 'scheduled';
            const outcome = judge({ type: 'cancel', auctionId, by: 'seller', reason: null, receivedAt: clock.now() });
            if (live) expect((await house.cancelAuction(auctionId, { by: 'seller' })).status).toBe('cancelled');
            else
              await expect(house.cancelAuction(auctionId, { by: 'seller' })).rejects.toMatchObject({
                code: (outcome as { code?: string }).code,
              });
          }
        }
        const [stored] = await adapters.store.getMany([auctionId]);
        expect(stored).toEqual(expected);
        expect(await replayAuction(adapters.store, auctionId)).toEqual(expected);
        // Leave nothing open for the next run's clock jumps.
        if (expected.status === 'open') await house.cancelAuction(auctionId, { by: 'seller' });
      }),
      { numRuns: 100, endOnFailure: true },
    );
  });
});
