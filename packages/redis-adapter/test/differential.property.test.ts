import {
  type AuctionCommand,
  type AuctionHouse,
  type AuctionState,
  applyCommand,
  type BidOutcome,
  type Clock,
  createAuctionHouse,
  isMoney,
  MAX_AMOUNT,
  replayCommands,
} from '@outcry/core';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAdapters, type RedisAdapters } from '../src/create-redis-adapters.js';
import { deletePrefix, eventually, REDIS_URL, redisIsUp, uniquePrefix } from './support/redis-test-env.js';

/** A clock the test moves by hand; the house judges by it. */
class HandClock implements Clock {
  #now = Date.UTC(2030, 0, 1);
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

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

const up = await redisIsUp('the differential test');

describe.skipIf(!up)('differential: an AuctionHouse on Redis against the pure engine', () => {
  const prefix = uniquePrefix('differential:');
  const clock = new HandClock();
  let redis: Redis;
  let adapters: RedisAdapters;
  let house: AuctionHouse;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    adapters = createRedisAdapters({ redis, prefix, partitions: 4 });
    house = createAuctionHouse({ backend: adapters, partitions: 4, clock });
    await house.start();
  });
  afterAll(async () => {
    await house.stop();
    await adapters.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('gives the same outcomes and final states as applyCommand for the same command sequences', async () => {
    let serial = 0;
    const seen = { accepted: 0, rejected: 0, repeated: 0, closed: 0, cancelled: 0 };
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
          const [stored] = await adapters.store.getMany([created.id]);
          if (stored == null) throw new Error('a created auction is in the store');
          const fresh = applyCommand(null, {
            type: 'create',
            spec: stored.spec,
            receivedAt: stored.spec.createdAt,
          }).state;
          expect(stored).toEqual(fresh);
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
              const fresh = {
                lot: bid.lot,
                bidId: `dx-${process.pid}-${++serial}`,
                bidder: bid.bidder,
                amount: bid.amount,
                buyNow: bid.buyNow,
              };
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
            // Per auction the sequencer judges in intake order, which is the wave's order.
            const at = clock.now();
            wave.forEach((bid, i) => {
              const answer = answers[i];
              if (!bid.buyNow && !(isMoney(bid.amount) && bid.amount > 0)) {
                expect(answer).toMatchObject({ status: 'rejected', code: 'INVALID_BID' });
                return;
              }
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
                async () => (await adapters.store.getMany([ids[lot] as string]))[0]?.status === 'closed',
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
        const stored = await adapters.store.getMany(ids);
        expect(stored).toEqual(model);
        for (const [lot, auctionId] of ids.entries()) {
          const ledger = await house.getLedger(auctionId, { limit: 10_000 });
          expect(ledger.map((entry) => entry.seq)).toEqual(Array.from({ length: ledger.length }, (_, i) => i + 1));
          expect(replayCommands(ledger.map((entry) => entry.command))).toEqual(model[lot]);
          // Leave nothing open that a later run's clock jump would close behind the model's back.
          if (model[lot]?.status === 'open') await house.cancelAuction(auctionId, { by: 'seller' });
        }
      }),
      { numRuns: 80, endOnFailure: true },
    );
    // The scenarios did reach every path they are meant to compare.
    for (const [what, count] of Object.entries(seen)) expect(count, what).toBeGreaterThan(0);
  });
});
