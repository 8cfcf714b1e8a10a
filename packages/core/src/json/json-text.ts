import type { AuctionCommand, AuctionEvent, AuctionSpec, AuctionState, BidOutcome } from '../engine/types.js';
import type { BroadcastMessage, RoutedOutcome } from '../ports/broadcaster.js';

/**
 * JSON text of the values written for every bid (its command, outcome and events), as
 * `JSON.stringify` writes them, built from templates: a bid writes several, and a template skips
 * JSON.stringify's walk of every field. Only the
 * shapes the engine makes for bids take the template; anything else (and any string that would
 * need escaping) goes through JSON.stringify, so every value comes out as valid JSON.
 */

/**
 * Strings that JSON.stringify writes as they are between quotes: no quote, backslash or C0
 * control (which it escapes) and no surrogate (it escapes a lone one; pairs go the slow way too).
 */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

/** A string (or null) as JSON. */
export function stringJson(value: string | null): string {
  if (value === null) return 'null';
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

/** A number (or null) as JSON: null for what is not finite, as JSON.stringify writes it. */
function numberJson(value: number | null): string {
  return value !== null && Number.isFinite(value) ? `${value}` : 'null';
}

type BidCommand = Extract<AuctionCommand, { type: 'bid' }>;

/** A bid command as the engine makes it (six fields), whose text a template writes. */
function isPlainBid(command: AuctionCommand): command is BidCommand {
  return command.type === 'bid' && Object.keys(command).length === 6;
}

function bidFieldsJson(command: BidCommand): string {
  return `"bidId":${stringJson(command.bidId)},"bidderId":${stringJson(command.bidderId)},"amount":${numberJson(command.amount)},"receivedAt":${numberJson(command.receivedAt)}`;
}

export function commandJson(command: AuctionCommand): string {
  if (isPlainBid(command))
    return `{"type":"bid","auctionId":${stringJson(command.auctionId)},${bidFieldsJson(command)}}`;
  return JSON.stringify(command);
}

/**
 * A bid command without its auctionId, for a store that files it under its auction; null for
 * other commands (written whole).
 */
export function bidJsonWithoutAuctionId(command: AuctionCommand): string | null {
  return isPlainBid(command) ? `{"type":"bid",${bidFieldsJson(command)}}` : null;
}

type Accepted = Extract<BidOutcome, { status: 'accepted' }>;

function isPlainAccepted(outcome: BidOutcome): outcome is Accepted {
  return outcome.status === 'accepted' && Object.keys(outcome).length === 9;
}

function acceptedFieldsJson(outcome: Accepted): string {
  return `"auctionId":${stringJson(outcome.auctionId)},"seq":${numberJson(outcome.seq)},"price":${numberJson(outcome.price)},"leaderId":${stringJson(outcome.leaderId)},"leading":${outcome.leading},"endsAt":${numberJson(outcome.endsAt)},"minimumBid":${numberJson(outcome.minimumBid)}`;
}

export function outcomeJson(outcome: BidOutcome): string {
  if (isPlainAccepted(outcome)) {
    return `{"status":"accepted","bidId":${stringJson(outcome.bidId)},${acceptedFieldsJson(outcome)}}`;
  }
  return JSON.stringify(outcome);
}

/**
 * An accepted outcome without its bidId, for a store that files it under its bidId; null for
 * other outcomes (written whole).
 */
export function acceptedJsonWithoutBidId(outcome: BidOutcome): string | null {
  return isPlainAccepted(outcome) ? `{"status":"accepted",${acceptedFieldsJson(outcome)}}` : null;
}

export function eventJson(event: AuctionEvent): string {
  if (event.type === 'bid.accepted' && Object.keys(event).length === 13) {
    return `{"type":"bid.accepted","auctionId":${stringJson(event.auctionId)},"seq":${numberJson(event.seq)},"at":${numberJson(event.at)},"bidId":${stringJson(event.bidId)},"bidderId":${stringJson(event.bidderId)},"price":${numberJson(event.price)},"leaderId":${stringJson(event.leaderId)},"bidCount":${numberJson(event.bidCount)},"minimumBid":${numberJson(event.minimumBid)},"reserveMet":${event.reserveMet},"endsAt":${numberJson(event.endsAt)},"buyNow":${event.buyNow}}`;
  }
  if (event.type === 'bidder.outbid' && Object.keys(event).length === 7) {
    return `{"type":"bidder.outbid","auctionId":${stringJson(event.auctionId)},"seq":${numberJson(event.seq)},"at":${numberJson(event.at)},"bidderId":${stringJson(event.bidderId)},"price":${numberJson(event.price)},"leaderId":${stringJson(event.leaderId)}}`;
  }
  return JSON.stringify(event);
}

/** A spec never changes once made: its text is kept with it. */
const specTexts = new WeakMap<AuctionSpec, string>();

function specJson(spec: AuctionSpec): string {
  let text = specTexts.get(spec);
  if (text === undefined) {
    text = JSON.stringify(spec);
    specTexts.set(spec, text);
  }
  return text;
}

function liveFields(state: AuctionState): string {
  const result = state.result === null ? 'null' : JSON.stringify(state.result);
  return `"status":${stringJson(state.status)},"seq":${numberJson(state.seq)},"price":${numberJson(state.price)},"leaderId":${stringJson(state.leaderId)},"leaderMax":${numberJson(state.leaderMax)},"runnerUpMax":${numberJson(state.runnerUpMax)},"bidCount":${numberJson(state.bidCount)},"endsAt":${numberJson(state.endsAt)},"extensions":${numberJson(state.extensions)},"result":${result},"updatedAt":${numberJson(state.updatedAt)}`;
}

const STATE_KEYS = 12;

/** An auction's state; its spec's text is made once per spec object. */
export function stateJson(state: AuctionState): string {
  if (Object.keys(state).length !== STATE_KEYS) return JSON.stringify(state);
  return `{"spec":${specJson(state.spec)},${liveFields(state)}}`;
}

/** An auction's state without its spec (stores that keep the spec apart). */
export function liveStateJson(state: AuctionState): string {
  if (Object.keys(state).length !== STATE_KEYS) {
    const { spec: _spec, ...live } = state;
    return JSON.stringify(live);
  }
  return `{${liveFields(state)}}`;
}

function listJson<T>(items: readonly T[], itemJson: (item: T) => string): string {
  let text = '[';
  for (let i = 0; i < items.length; i++) text += (i === 0 ? '' : ',') + itemJson(items[i] as T);
  return `${text}]`;
}

export function eventsJson(events: readonly AuctionEvent[]): string {
  return listJson(events, eventJson);
}

/** A broadcast message, as the broadcasters send it. */
export function broadcastJson(message: BroadcastMessage): string {
  const origin = message.origin === undefined ? '' : `"origin":${stringJson(message.origin)},`;
  const snapshots = message.snapshots.length === 0 ? '[]' : JSON.stringify(message.snapshots);
  return `{"partition":${numberJson(message.partition)},${origin}"events":${eventsJson(message.events)},"snapshots":${snapshots}}`;
}

/** The outcomes a broadcaster sends to one house. */
export function answersJson(outcomes: readonly RoutedOutcome[]): string {
  // Lifecycle outcomes are not plain accepted bids: outcomeJson writes them whole.
  return listJson(
    outcomes,
    ({ commandId, outcome }) =>
      `{"commandId":${stringJson(commandId)},"outcome":${outcomeJson(outcome as BidOutcome)}}`,
  );
}
