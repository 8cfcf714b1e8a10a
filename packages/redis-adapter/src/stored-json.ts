import {
  acceptedJsonWithoutBidId,
  type AuctionCommand,
  type AuctionSpec,
  type AuctionState,
  type BidOutcome,
  bidJsonWithoutAuctionId,
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

/**
 * A ledger entry without its auctionId (the key's), also left out of a bid's command.
 * Deterministic: a replayed batch compares byte for byte.
 */
export function encodeLedgerEntry(entry: LedgerEntry): string {
  const command = bidJsonWithoutAuctionId(entry.command) ?? commandJson(entry.command);
  return `{"seq":${entry.seq},"command":${command},"price":${entry.price},"leaderId":${stringJson(entry.leaderId)}}`;
}

export function decodeLedgerEntry(auctionId: string, json: string): LedgerEntry {
  const parsed = JSON.parse(json) as Omit<LedgerEntry, 'auctionId'> & { auctionId?: string };
  const { type, ...fields } = parsed.command as { type: string; auctionId?: string };
  const whole =
    type === 'bid' && fields.auctionId === undefined
      ? { ...parsed, command: { type, auctionId, ...fields } as AuctionCommand }
      : parsed;
  return whole.auctionId === undefined ? { auctionId, ...whole } : (whole as LedgerEntry);
}

/** An outcome without its bidId (the hash field's), also left out of an accepted outcome. */
export function encodeOutcome(stored: StoredOutcome): string {
  const outcome = acceptedJsonWithoutBidId(stored.outcome) ?? outcomeJson(stored.outcome);
  return `{"bidderId":${stringJson(stored.bidderId)},"fingerprint":${stringJson(stored.fingerprint)},"outcome":${outcome}}`;
}

export function decodeOutcome(bidId: string, json: string): StoredOutcome {
  const parsed = JSON.parse(json) as Omit<StoredOutcome, 'bidId' | 'auctionId'> & {
    bidId?: string;
    auctionId?: string;
  };
  if (parsed.bidId !== undefined && parsed.auctionId !== undefined) return parsed as StoredOutcome;
  const { status, ...fields } = parsed.outcome as { status: string; bidId?: string };
  const outcome = (fields.bidId === undefined ? { status, bidId, ...fields } : parsed.outcome) as BidOutcome;
  return { bidId, auctionId: outcome.auctionId, ...parsed, outcome };
}
