import {
  type AuctionSpec,
  type AuctionState,
  commandJson,
  type LedgerEntry,
  liveStateJson,
  outcomeJson,
  type StoredOutcome,
  stringJson,
} from '@outcry/core';

/**
 * How states, ledger entries and outcomes are written, without what their key already says:
 * a commit sends them for every bid, so every byte counts twice (the wire and Redis memory).
 * A state is kept in two keys, its spec (written once, at create) and the rest (every commit).
 * Values written by earlier versions, whole, are still read.
 */

/** The state without its spec: what changes with every commit. */
export function encodeLiveState(state: AuctionState): string {
  return liveStateJson(state);
}

/** A state from its live part and its spec; a whole state (earlier versions) as it is. */
export function decodeState(live: string, spec: string | null): AuctionState | null {
  const parsed = JSON.parse(live) as AuctionState | Omit<AuctionState, 'spec'>;
  if ('spec' in parsed) return parsed;
  if (spec === null) return null;
  return { spec: JSON.parse(spec) as AuctionSpec, ...parsed };
}

/** A ledger entry without its auctionId (the key's). Deterministic: a replayed batch compares byte for byte. */
export function encodeLedgerEntry(entry: LedgerEntry): string {
  return `{"seq":${entry.seq},"command":${commandJson(entry.command)},"price":${entry.price},"leaderId":${stringJson(entry.leaderId)}}`;
}

export function decodeLedgerEntry(auctionId: string, json: string): LedgerEntry {
  const parsed = JSON.parse(json) as Omit<LedgerEntry, 'auctionId'> & { auctionId?: string };
  return parsed.auctionId === undefined ? { auctionId, ...parsed } : (parsed as LedgerEntry);
}

/** An outcome without its bidId (the hash field's) and auctionId (the outcome's own). */
export function encodeOutcome(stored: StoredOutcome): string {
  return `{"bidderId":${stringJson(stored.bidderId)},"fingerprint":${stringJson(stored.fingerprint)},"outcome":${outcomeJson(stored.outcome)}}`;
}

export function decodeOutcome(bidId: string, json: string): StoredOutcome {
  const parsed = JSON.parse(json) as Omit<StoredOutcome, 'bidId' | 'auctionId'> & {
    bidId?: string;
    auctionId?: string;
  };
  if (parsed.bidId !== undefined && parsed.auctionId !== undefined) return parsed as StoredOutcome;
  return { bidId, auctionId: parsed.outcome.auctionId, ...parsed };
}
