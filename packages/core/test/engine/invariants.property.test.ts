import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AuctionCommand,
  type AuctionState,
  applyCommand,
  buildAuctionSpec,
  type Decision,
  toPublicAuction,
} from '../../src/engine/index.js';
import { type AuctionSpec, type CreateAuctionInput, createAuctionInputSchema } from '../../src/index.js';
import {
  createReferenceModel,
  type ReferenceCommand,
  type ReferenceVerdict,
  type ReferenceView,
  referenceIncrement,
} from '../../src/testing/index.js';

/*
 * Random auctions and random command sequences, judged by the engine and by the naive reference
 * model side by side. Arbitraries are deliberately small (bidders b1..b4, amounts in the
 * hundreds, clocks in the hundreds of ms) so that a shrunk counterexample reads like a story.
 * fast-check prints the seed and the shrunk path on failure: rerun with `{ seed, path }`.
 */

const BIDDERS = ['b1', 'b2', 'b3', 'b4'] as const;
const SELLER = 'seller';
const AUCTION = 'a1';

// ---------------------------------------------------------------- arbitraries

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Scenario {
  readonly input: CreateAuctionInput;
  readonly createdAt: number;
  readonly steps: readonly Step[];
}

/** When a command arrives: some ms after the previous one, or pinned to the current end. */
type Timing =
  | { readonly kind: 'after'; readonly dt: number }
  | { readonly kind: 'end'; readonly offset: -1 | 0 | 1 }
  | { readonly kind: 'window'; readonly offset: -1 | 0 | 1 };

/** How much a bid is: absolute, relative to the public minimum, relative to the bidder's own max, or invalid. */
type Amount =
  | { readonly kind: 'abs'; readonly value: number }
  | { readonly kind: 'min'; readonly delta: number }
  | { readonly kind: 'own'; readonly delta: number }
  | { readonly kind: 'lead'; readonly delta: -1 | 0 | 1 }
  | { readonly kind: 'raw'; readonly value: number };

type Action =
  | { readonly type: 'bid'; readonly bidderId: string; readonly amount: Amount }
  | { readonly type: 'buy-now'; readonly bidderId: string }
  | { readonly type: 'cancel' }
  | { readonly type: 'close' }
  | { readonly type: 'open' };

interface Step {
  readonly timing: Timing;
  readonly action: Action;
}

const incrementArb: fc.Arbitrary<CreateAuctionInput['increment']> = fc.oneof(
  fc.integer({ min: 1, max: 100 }).map((amount) => ({ type: 'fixed' as const, amount })),
  fc.constant({ type: 'table' as const }),
  fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 800 }), { maxLength: 3 }),
      fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 4, maxLength: 4 }),
    )
    .map(([froms, amounts]) => ({
      type: 'table' as const,
      steps: [0, ...[...froms].sort((a, b) => a - b)].map((from, i) => ({ from, amount: amounts[i] ?? 1 })),
    })),
);

interface SoftCloseDraft {
  readonly windowMs: number;
  readonly extendMs: number;
  readonly mode: 'reset' | 'add' | null;
  readonly maxEndsAtAfter: number | null;
  readonly maxExtensions: number | null;
}

const softCloseArb: fc.Arbitrary<SoftCloseDraft | null> = fc.option(
  fc.record({
    windowMs: fc.integer({ min: 1, max: 200 }),
    extendMs: fc.integer({ min: 1, max: 200 }),
    mode: fc.option(fc.constantFrom('reset' as const, 'add' as const), { nil: null }),
    maxEndsAtAfter: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
    maxExtensions: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }),
  }),
  { nil: null, freq: 3 },
);

const inputArb: fc.Arbitrary<{ input: CreateAuctionInput; createdAt: number }> = fc
  .record({
    startingPrice: fc.integer({ min: 0, max: 300 }),
    reserveAbove: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
    buyNowAbove: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }),
    increment: fc.option(incrementArb, { nil: null }),
    startsAt: fc.integer({ min: 0, max: 50 }),
    duration: fc.oneof(
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 20 }) },
      { weight: 4, arbitrary: fc.integer({ min: 50, max: 600 }) },
    ),
    createdAfterStart: fc.integer({ min: -30, max: 10 }),
    softClose: softCloseArb,
  })
  .map((r) => {
    const endsAt = r.startsAt + r.duration;
    const reservePrice = r.reserveAbove === null ? undefined : r.startingPrice + r.reserveAbove;
    const input: CreateAuctionInput = {
      sellerId: SELLER,
      title: 'Lot',
      currency: 'USD',
      startingPrice: r.startingPrice,
      startsAt: r.startsAt,
      endsAt,
    };
    const out: Mutable<CreateAuctionInput> = { ...input };
    if (reservePrice !== undefined) out.reservePrice = reservePrice;
    if (r.buyNowAbove !== null) out.buyNowPrice = Math.max(r.startingPrice + 1, reservePrice ?? 0) + r.buyNowAbove;
    if (r.increment !== null && r.increment !== undefined) out.increment = r.increment;
    if (r.softClose !== null) {
      const sc = r.softClose;
      const softClose: Mutable<NonNullable<CreateAuctionInput['softClose']>> = {
        windowMs: sc.windowMs,
        extendMs: sc.extendMs,
      };
      if (sc.mode !== null) softClose.mode = sc.mode;
      if (sc.maxEndsAtAfter !== null) softClose.maxEndsAt = endsAt + sc.maxEndsAtAfter;
      if (sc.maxExtensions !== null) softClose.maxExtensions = sc.maxExtensions;
      out.softClose = softClose;
    }
    return { input: out, createdAt: Math.max(0, r.startsAt + r.createdAfterStart) };
  });

const timingArb: fc.Arbitrary<Timing> = fc.oneof(
  {
    weight: 40,
    arbitrary: fc
      .oneof(
        { weight: 2, arbitrary: fc.constant(0) },
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 60 }) },
      )
      .map((dt) => ({ kind: 'after' as const, dt })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(-1 as const, 0 as const, 1 as const).map((offset) => ({ kind: 'end' as const, offset })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(-1 as const, 0 as const, 1 as const)
      .map((offset) => ({ kind: 'window' as const, offset })),
  },
);

const amountArb: fc.Arbitrary<Amount> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .oneof(fc.integer({ min: -2, max: 3 }), fc.integer({ min: -2, max: 150 }))
      .map((delta) => ({ kind: 'min' as const, delta })),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(-1 as const, 0 as const, 1 as const).map((delta) => ({ kind: 'lead' as const, delta })),
  },
  { weight: 2, arbitrary: fc.integer({ min: -1, max: 60 }).map((delta) => ({ kind: 'own' as const, delta })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 1_200 }).map((value) => ({ kind: 'abs' as const, value })) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, -5, 12.5, Number.NaN, 1e15 + 1).map((value) => ({ kind: 'raw' as const, value })),
  },
);

const bidderArb = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...BIDDERS) },
  { weight: 1, arbitrary: fc.constant(SELLER) },
);

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 80, arbitrary: fc.record({ type: fc.constant('bid' as const), bidderId: bidderArb, amount: amountArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('buy-now' as const), bidderId: bidderArb }) },
  { weight: 1, arbitrary: fc.constant({ type: 'cancel' as const }) },
  { weight: 3, arbitrary: fc.constant({ type: 'close' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'open' as const }) },
);

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .tuple(inputArb, fc.array(fc.record({ timing: timingArb, action: actionArb }), { maxLength: 30, size: 'max' }))
  .map(([{ input, createdAt }, steps]) => ({ input, createdAt, steps }));

// ---------------------------------------------------------------- running a scenario

interface Trace {
  readonly spec: AuctionSpec;
  readonly create: AuctionCommand;
  readonly initial: AuctionState;
  readonly rows: readonly {
    readonly command: AuctionCommand;
    readonly before: AuctionState;
    readonly decision: Decision;
    readonly verdict: ReferenceVerdict;
  }[];
}

/** Turn the scenario's abstract steps into concrete commands (by the current state) and judge each twice. */
function run(scenario: Scenario): Trace {
  const parsed = createAuctionInputSchema.parse(scenario.input);
  const spec = buildAuctionSpec(parsed, AUCTION, scenario.createdAt);
  const create: AuctionCommand = { type: 'create', spec, receivedAt: scenario.createdAt };
  const created = applyCommand(null, create);
  if (created.state === null) throw new Error('create failed');
  const model = createReferenceModel(spec, scenario.createdAt);
  let state = created.state;
  let clock = scenario.createdAt;
  const rows: Trace['rows'][number][] = [];
  scenario.steps.forEach((step, i) => {
    clock = nextInstant(step.timing, clock, state);
    const receivedAt = clock;
    const command = concrete(step.action, state, model.bids(), receivedAt, `bid-${i}`);
    const decision = applyCommand(state, command);
    const verdict = model.apply(command as ReferenceCommand);
    rows.push({ command, before: state, decision, verdict });
    if (decision.state !== null) state = decision.state;
  });
  return { spec, create, initial: created.state, rows };
}

/** Clocks never run backwards; `end` and `window` pin a command to the end or the window's edge. */
function nextInstant(timing: Timing, clock: number, state: AuctionState): number {
  if (timing.kind === 'after') return clock + timing.dt;
  const edge = timing.kind === 'end' ? state.endsAt : state.endsAt - (state.spec.softClose?.windowMs ?? 0);
  return Math.max(clock, edge + timing.offset);
}

function concrete(
  action: Action,
  state: AuctionState,
  bids: readonly { bidderId: string; max: number }[],
  receivedAt: number,
  bidId: string,
): AuctionCommand {
  switch (action.type) {
    case 'bid': {
      const a = action.amount;
      const publicMin = toPublicAuction(state).minimumBid ?? state.price;
      const ownMax = Math.max(0, ...bids.filter((b) => b.bidderId === action.bidderId).map((b) => b.max));
      const amount =
        a.kind === 'abs' || a.kind === 'raw'
          ? a.value
          : a.kind === 'min'
            ? publicMin + a.delta
            : a.kind === 'lead'
              ? Math.max(...bids.map((b) => b.max), publicMin) + a.delta
              : ownMax + a.delta;
      return { type: 'bid', auctionId: AUCTION, bidId, bidderId: action.bidderId, amount, receivedAt };
    }
    case 'buy-now':
      return { type: 'buy-now', auctionId: AUCTION, bidId, bidderId: action.bidderId, receivedAt };
    case 'cancel':
      return { type: 'cancel', auctionId: AUCTION, by: SELLER, reason: null, receivedAt };
    case 'close':
      return { type: 'close', auctionId: AUCTION, receivedAt };
    case 'open':
      return { type: 'open', auctionId: AUCTION, receivedAt };
  }
}

/** The engine's public state, projected onto what the model computes. */
function engineView(state: AuctionState): ReferenceView {
  const v = toPublicAuction(state);
  return {
    status: v.status,
    seq: v.seq,
    price: v.price,
    leaderId: v.leaderId,
    bidCount: v.bidCount,
    minimumBid: v.minimumBid,
    reserveMet: v.reserveMet,
    buyNowAvailable: v.buyNowAvailable,
    endsAt: v.endsAt,
    extensions: v.extensions,
    result: v.result,
  };
}

/** The engine's answer, projected onto the model's verdict (without the view). */
function engineVerdict(decision: Decision): Omit<ReferenceVerdict, 'view'> {
  const o = decision.outcome;
  if (o.status === 'not-due') return { status: 'not-due', changed: decision.changed, dueAt: o.dueAt };
  if (o.status === 'accepted') return { status: 'accepted', changed: decision.changed };
  if ('bidId' in o && o.code === 'BID_TOO_LOW' && o.minimumBid !== undefined) {
    return { status: 'rejected', changed: decision.changed, code: o.code, minimumBid: o.minimumBid };
  }
  return { status: 'rejected', changed: decision.changed, code: o.code };
}

const params = { numRuns: 1_000 } as const;

// ---------------------------------------------------------------- properties

describe('engine against the reference model', () => {
  it('agrees on every outcome and on the public state, step by step (invariant 3)', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const trace = run(scenario);
        for (const [i, { command, decision, verdict }] of trace.rows.entries()) {
          const { view, ...answer } = verdict;
          const where = `step ${i}: ${JSON.stringify(command)}`;
          expect(engineVerdict(decision), where).toEqual(answer);
          expect(decision.state === null ? null : engineView(decision.state), where).toEqual(view);
          const o = decision.outcome;
          if (o.status === 'accepted' && 'bidId' in o) {
            // The answer to an accepted bid repeats the public state.
            expect({ seq: o.seq, price: o.price, leaderId: o.leaderId, endsAt: o.endsAt }, where).toEqual({
              seq: view.seq,
              price: view.price,
              leaderId: view.leaderId,
              endsAt: view.endsAt,
            });
            expect(o.leading, where).toBe(view.leaderId === (command as { bidderId: string }).bidderId);
            expect(o.minimumBid, where).toBe(view.minimumBid);
            const accepted = decision.events.find((e) => e.type === 'bid.accepted');
            expect(accepted, where).toMatchObject({
              seq: view.seq,
              price: view.price,
              leaderId: view.leaderId,
              bidCount: view.bidCount,
              minimumBid: view.minimumBid,
              reserveMet: view.reserveMet,
              endsAt: view.endsAt,
            });
          }
        }
      }),
      params,
    );
  });
});

describe('the auction invariants', () => {
  it('1: price never decreases; seq moves by exactly one per change, never on a rejection', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        for (const { before, decision } of run(scenario).rows) {
          const after = decision.state as AuctionState;
          expect(after.price).toBeGreaterThanOrEqual(before.price);
          if (decision.changed) {
            expect(after.seq).toBe(before.seq + 1);
            for (const event of decision.events) expect(event.seq).toBe(after.seq);
          } else {
            expect(after).toBe(before);
            for (const event of decision.events) expect(event.seq).toBe(before.seq);
          }
        }
      }),
      params,
    );
  });

  it('2: the leader holds the highest max, and ties go to the earlier bid', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const accepted: { bidderId: string; max: number }[] = [];
        for (const { command, decision } of run(scenario).rows) {
          if (command.type === 'buy-now' && decision.changed) return; // the buyer leads by buying, not by max
          if (command.type !== 'bid' || !decision.changed) continue;
          accepted.push({ bidderId: command.bidderId, max: command.amount });
          const state = decision.state as AuctionState;
          const highest = Math.max(...accepted.map((b) => b.max));
          const first = accepted.find((b) => b.max === highest);
          expect(state.leaderMax).toBe(highest);
          expect(state.leaderId).toBe(first?.bidderId);
          // The price never exceeds what the leader is willing to pay.
          expect(state.price).toBeLessThanOrEqual(Math.max(state.leaderMax, scenario.input.startingPrice));
        }
      }),
      params,
    );
  });

  it('the price after every accepted bid is the proxy formula over the current maxima, then the reserve', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const maxima = new Map<string, number>();
        for (const { command, decision } of run(scenario).rows) {
          if (command.type === 'buy-now' && decision.changed) return;
          if (command.type !== 'bid' || !decision.changed) continue;
          maxima.set(command.bidderId, command.amount);
          const state = decision.state as AuctionState;
          const { spec } = state;
          const leaderMax = maxima.get(state.leaderId as string) as number;
          const others = [...maxima].filter(([bidderId]) => bidderId !== state.leaderId).map(([, max]) => max);
          const runnerUp = others.length === 0 ? undefined : Math.max(...others);
          let expected =
            runnerUp === undefined
              ? spec.startingPrice
              : Math.min(leaderMax, runnerUp + referenceIncrement(spec.increment, runnerUp));
          if (spec.reservePrice !== null && leaderMax >= spec.reservePrice)
            expected = Math.max(expected, spec.reservePrice);
          expect(state.price).toBe(expected);
        }
      }),
      params,
    );
  });

  it('4: no bid is accepted at or after the end, nor after close or cancel', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        for (const { command, before, decision } of run(scenario).rows) {
          if ((command.type !== 'bid' && command.type !== 'buy-now') || decision.outcome.status !== 'accepted')
            continue;
          expect(command.receivedAt).toBeLessThan(before.endsAt);
          expect(command.receivedAt).toBeGreaterThanOrEqual(before.spec.startsAt);
          expect(['open', 'scheduled']).toContain(before.status);
        }
      }),
      params,
    );
  });

  it('5: at most one winner, and none when the reserve is not met', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const trace = run(scenario);
        const reserve = trace.spec.reservePrice;
        for (const { before, decision } of trace.rows) {
          const result = decision.state?.result ?? null;
          if (result === null) continue;
          const winner = result.winnerId;
          if (result.outcome === 'sold' || result.outcome === 'bought-now') {
            expect(winner).not.toBeNull();
            expect(result.price).toBe(decision.state?.price);
            if (reserve !== null) expect(result.price as number).toBeGreaterThanOrEqual(reserve);
            if (result.outcome === 'sold') expect(winner).toBe(before.leaderId);
          } else {
            expect(winner).toBeNull();
          }
          if (result.outcome === 'reserve-not-met') {
            expect(reserve).not.toBeNull();
            expect(before.leaderMax).toBeLessThan(reserve as number);
          }
        }
      }),
      params,
    );
  });

  it('9: the end moves only by soft close, never past maxEndsAt or maxExtensions; a result never changes', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const trace = run(scenario);
        const rule = trace.spec.softClose;
        for (const { command, before, decision } of trace.rows) {
          const after = decision.state as AuctionState;
          if (after.endsAt !== before.endsAt) {
            expect(rule).not.toBeNull();
            expect(command.type).toBe('bid');
            expect(after.endsAt).toBeGreaterThan(before.endsAt);
            expect(before.endsAt - command.receivedAt).toBeLessThanOrEqual(rule?.windowMs ?? 0);
            expect(after.price !== before.price || after.leaderId !== before.leaderId).toBe(true);
            expect(after.extensions).toBe(before.extensions + 1);
            expect(decision.events.map((e) => e.type)).toContain('auction.extended');
          } else {
            expect(after.extensions).toBe(before.extensions);
          }
          if (rule?.maxEndsAt != null) expect(after.endsAt).toBeLessThanOrEqual(rule.maxEndsAt);
          if (rule?.maxExtensions != null) expect(after.extensions).toBeLessThanOrEqual(rule.maxExtensions);
          if (before.status === 'closed' || before.status === 'cancelled') {
            expect(after).toBe(before);
            expect(decision.changed).toBe(false);
          }
        }
      }),
      params,
    );
  });

  it('7: replaying only the commands that changed the state rebuilds the identical state', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const trace = run(scenario);
        const ledger = [trace.create, ...trace.rows.filter((r) => r.decision.changed).map((r) => r.command)];
        const replayed = ledger.reduce<AuctionState | null>((state, command) => {
          const decision = applyCommand(state, command);
          expect(decision.changed).toBe(true);
          return decision.state;
        }, null);
        const last = trace.rows.at(-1)?.decision.state ?? trace.initial;
        expect(replayed).toEqual(last);
      }),
      params,
    );
  });
});
