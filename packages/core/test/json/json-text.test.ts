import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  answersJson,
  type BroadcastMessage,
  broadcastJson,
  commandJson,
  eventJson,
  eventsJson,
  liveStateJson,
  outcomeJson,
  stateJson,
} from '../../src/adapter-kit/index.js';
import type { AuctionCommand, AuctionState } from '../../src/engine/index.js';
import type { AuctionEvent, BidOutcome } from '../../src/index.js';
import { NAMED_OPAQUE_IDS } from '../../src/testing/index.js';
import { AuctionStory, T0 } from '../engine/auction-story.js';

/** Everything the engine writes for a few bids: commands, outcomes and events of every kind met. */
function storyValues(): {
  commands: AuctionCommand[];
  outcomes: BidOutcome[];
  events: AuctionEvent[];
  states: AuctionState[];
} {
  const story = new AuctionStory({
    reservePrice: 1_500,
    buyNowPrice: 5_000,
    softClose: { windowMs: 10_000, extendMs: 10_000 },
  });
  const commands: AuctionCommand[] = [];
  const outcomes: BidOutcome[] = [];
  const events: AuctionEvent[] = [...story.last.events];
  const states: AuctionState[] = [story.state];
  const bid = (bidderId: string, amount: number, at = T0 + 1_000) => {
    commands.push({ type: 'bid', auctionId: 'a1', bidId: `bid-${commands.length}`, bidderId, amount, receivedAt: at });
    outcomes.push(story.bid(bidderId, amount, at, `bid-${commands.length - 1}`));
    events.push(...story.last.events);
    states.push(story.state);
  };
  bid('alice', 1_200);
  bid('bob', 1_100);
  bid('bob', 1_600);
  bid('alice', 2_000, T0 + 55_000);
  bid('carol', -5);
  outcomes.push(story.buyNow('dave'));
  events.push(...story.last.events);
  story.close(story.state.endsAt);
  events.push(...story.last.events);
  states.push(story.state);
  return { commands, outcomes, events, states };
}

describe('JSON text of the per-bid values', () => {
  it('is what JSON.stringify writes, for every value the engine makes', () => {
    const { commands, outcomes, events, states } = storyValues();
    const types = new Set(events.map((event) => event.type));
    expect(types).toEqual(expect.objectContaining(new Set(['bid.accepted', 'bidder.outbid'])));
    expect(outcomes.map((outcome) => outcome.status)).toContain('rejected');
    // The shapes the templates take (else these values would all go through JSON.stringify).
    const sizes = (values: readonly object[]) => new Set(values.map((value) => Object.keys(value).length));
    expect(sizes(commands)).toEqual(new Set([6]));
    expect(sizes(outcomes.filter((outcome) => outcome.status === 'accepted'))).toEqual(new Set([9]));
    expect(sizes(events.filter((event) => event.type === 'bid.accepted'))).toEqual(new Set([13]));
    expect(sizes(events.filter((event) => event.type === 'bidder.outbid'))).toEqual(new Set([7]));
    for (const command of commands) expect(commandJson(command)).toBe(JSON.stringify(command));
    for (const outcome of outcomes) expect(outcomeJson(outcome)).toBe(JSON.stringify(outcome));
    for (const event of events) expect(eventJson(event)).toBe(JSON.stringify(event));
    expect(states.at(-1)?.result).not.toBeNull();
    expect(sizes(states)).toEqual(new Set([12]));
    for (const state of states) {
      expect(stateJson(state)).toBe(JSON.stringify(state));
      const { spec: _spec, ...live } = state;
      expect(liveStateJson(state)).toBe(JSON.stringify(live));
    }
    expect(eventsJson(events)).toBe(JSON.stringify(events));
    const message: BroadcastMessage = { partition: 3, origin: 'h-1', events, snapshots: [] };
    expect(broadcastJson(message)).toBe(JSON.stringify(message));
    const { origin: _origin, ...anonymous } = message;
    expect(broadcastJson(anonymous)).toBe(JSON.stringify(anonymous));
    const answers = outcomes.map((outcome, i) => ({ commandId: `c-${i}`, outcome }));
    expect(answersJson(answers)).toBe(JSON.stringify(answers));
    expect(answersJson([])).toBe('[]');
  });

  it('is what JSON.stringify writes for any strings, escaped or not', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 });
    fc.assert(
      fc.property(text, text, fc.option(text), fc.integer(), (bidId, bidderId, leaderId, n) => {
        const command: AuctionCommand = { type: 'bid', auctionId: bidderId, bidId, bidderId, amount: n, receivedAt: n };
        const outcome: BidOutcome = {
          status: 'accepted',
          bidId,
          auctionId: bidderId,
          seq: n,
          price: n,
          leaderId,
          leading: n % 2 === 0,
          endsAt: n,
          minimumBid: leaderId === null ? null : n,
        };
        const event: AuctionEvent = {
          type: 'bidder.outbid',
          auctionId: bidId,
          seq: n,
          at: n,
          bidderId,
          price: n,
          leaderId: leaderId ?? '',
        };
        expect(commandJson(command)).toBe(JSON.stringify(command));
        expect(outcomeJson(outcome)).toBe(JSON.stringify(outcome));
        expect(eventJson(event)).toBe(JSON.stringify(event));
      }),
    );
  });

  it('is what JSON.stringify writes for strings of any UTF-16 units and the named ids', () => {
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
      fc.constantFrom('"', '\\', '\u2028', '\u007f', '\u0085', '😀', '\ud800', '\udc00'),
    );
    const text = fc.oneof(fc.string({ unit, maxLength: 12 }), fc.constantFrom(...NAMED_OPAQUE_IDS));
    fc.assert(
      fc.property(text, text, (bidId, bidderId) => {
        const command: AuctionCommand = { type: 'bid', auctionId: 'a1', bidId, bidderId, amount: 5, receivedAt: 7 };
        expect(commandJson(command)).toBe(JSON.stringify(command));
        expect(JSON.parse(commandJson(command))).toEqual(command);
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes other shapes through JSON.stringify', () => {
    const odd = { type: 'bid', auctionId: 'a', bidId: 'b', bidderId: 'c', amount: 1, receivedAt: 2, extra: true };
    expect(commandJson(odd as unknown as AuctionCommand)).toBe(JSON.stringify(odd));
  });
});
