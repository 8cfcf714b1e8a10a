import type { AuctionSpec, BidOutcome, LedgerEntry } from '@outcry/core';
import {
  acceptedJsonWithoutBidId,
  bidJsonWithoutAuctionId,
  commandJson,
  liveStateJson,
  outcomeJson,
  type StoredOutcome,
  stringJson,
} from '@outcry/core/adapter-kit';
import type { AuctionCommand, AuctionState } from '@outcry/core/engine';

/**
 * How states, ledger entries and outcomes are written, without what their key already says:
 * a commit sends them for every bid, so every byte counts twice (the wire and Redis memory).
 * A state is kept in two keys, its spec (written once, at create) and the rest (every commit).
 */

/** The state without its spec: what changes with every commit. */
export function encodeLiveState(state: AuctionState): string {
  return liveStateJson(state);
}

/** A state from its live part and its spec; null without the spec. */
export function decodeState(live: string, spec: string | null): AuctionState | null {
  if (spec === null) return null;
  return withSpec(live, JSON.parse(spec) as AuctionSpec);
}

/**
 * A state from its live part and its spec, read before. The spec's place is parsed in first, as
 * the engine orders a state, and filled after: one object, not a parsed one copied (judging bids
 * where they land reads every state of a batch).
 */
export function withSpec(live: string, spec: AuctionSpec): AuctionState {
  const state = JSON.parse(live.length > 2 ? `{"spec":0,${live.slice(1)}` : '{"spec":0}') as { spec: unknown };
  state.spec = spec;
  return state as AuctionState;
}

/**
 * A ledger entry without its auctionId (the key's), also left out of a bid's command.
 * Deterministic: a replayed batch compares byte for byte.
 */
export function encodeLedgerEntry(entry: LedgerEntry): string {
  const command = bidJsonWithoutAuctionId(entry.command) ?? commandJson(entry.command);
  return `{"seq":${entry.seq},"command":${command},"price":${entry.price},"leaderId":${stringJson(entry.leaderId)}}`;
}

/** A ledger entry read back whole, in the engine's field order; other commands than bids are whole. */
export function decodeLedgerEntry(auctionId: string, json: string): LedgerEntry {
  const parsed = JSON.parse(json) as Omit<LedgerEntry, 'auctionId'>;
  const { type, ...fields } = parsed.command as { type: string; auctionId?: string };
  const command =
    type === 'bid' && fields.auctionId === undefined
      ? ({ type, auctionId, ...fields } as AuctionCommand)
      : parsed.command;
  return { auctionId, ...parsed, command };
}

/** An outcome without its bidId (the hash field's), also left out of an accepted outcome. */
export function encodeOutcome(stored: StoredOutcome): string {
  const outcome = acceptedJsonWithoutBidId(stored.outcome) ?? outcomeJson(stored.outcome);
  return `{"bidderId":${stringJson(stored.bidderId)},"fingerprint":${stringJson(stored.fingerprint)},"outcome":${outcome}}`;
}

/** A stored outcome read back whole, in the engine's field order; outcomes other than accepted are whole. */
export function decodeOutcome(bidId: string, json: string): StoredOutcome {
  const parsed = JSON.parse(json) as Omit<StoredOutcome, 'bidId' | 'auctionId'>;
  const { status, ...fields } = parsed.outcome as { status: string; bidId?: string };
  const outcome = (fields.bidId === undefined ? { status, bidId, ...fields } : parsed.outcome) as BidOutcome;
  return { bidId, auctionId: outcome.auctionId, ...parsed, outcome };
}
