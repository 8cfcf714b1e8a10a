import type { LedgerEntry } from '@outcry/core';
import type { AuctionStore } from '@outcry/core/adapter-kit';
import { replayCommands } from '@outcry/core/engine';
import type { BidRecord } from './bid-load.js';

/** What the ledger says of the bids of a run. */
export interface LedgerCheck {
  /** Bids whose callers were answered, all of them looked up. */
  readonly bidsChecked: number;
  readonly accepted: number;
  /** Bid entries in the ledgers of the run's auctions. */
  readonly ledgerBids: number;
  /** Accepted bids that are not in the ledger. */
  readonly lost: readonly string[];
  /** BidIds with more than one ledger entry. */
  readonly doubled: readonly string[];
  /** Bids whose callers were told `rejected` that are in the ledger all the same. */
  readonly rejectedButWritten: readonly string[];
  /** Ledger bids nobody of the run sent. */
  readonly unknown: readonly string[];
  /** Auctions whose stored state is not what their ledger replays to. */
  readonly unreplayable: readonly string[];
}

const PAGE = 1_000;

/** JSON with every object's keys sorted: equal values give equal text, whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

async function wholeLedger(store: AuctionStore, auctionId: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await store.getLedger(auctionId, { afterSeq, limit: PAGE });
    entries.push(...page);
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) return entries;
    afterSeq = last.seq;
  }
}

/**
 * Reads the ledger of every auction and holds it against what the callers were told: each
 * accepted bid exactly once, no bidId twice, no rejected bid written, and every stored state
 * equal to the replay of its ledger. Bids whose callers got an error may or may not be there.
 */
export async function checkLedger(
  store: AuctionStore,
  auctionIds: readonly string[],
  records: readonly BidRecord[],
): Promise<LedgerCheck> {
  const entriesOf = new Map<string, number>();
  const unreplayable: string[] = [];
  for (const auctionId of auctionIds) {
    const entries = await wholeLedger(store, auctionId);
    for (const { command } of entries) {
      if (command.type === 'bid' || command.type === 'buy-now')
        entriesOf.set(command.bidId, (entriesOf.get(command.bidId) ?? 0) + 1);
    }
    const [stored] = await store.getMany([auctionId]);
    const replayed = replayCommands(entries.map((entry) => entry.command));
    if (canonical(replayed) !== canonical(stored)) unreplayable.push(auctionId);
  }
  const sent = new Set(records.map((record) => record.bidId));
  const answered = records.filter((record) => record.status !== 'pending');
  const accepted = answered.filter((record) => record.status === 'accepted');
  let ledgerBids = 0;
  for (const count of entriesOf.values()) ledgerBids += count;
  return {
    bidsChecked: answered.length,
    accepted: accepted.length,
    ledgerBids,
    lost: accepted.filter((record) => entriesOf.get(record.bidId) === undefined).map((record) => record.bidId),
    doubled: [...entriesOf].filter(([, count]) => count > 1).map(([bidId]) => bidId),
    rejectedButWritten: answered
      .filter((record) => record.status === 'rejected' && entriesOf.has(record.bidId))
      .map((record) => record.bidId),
    unknown: [...entriesOf.keys()].filter((bidId) => !sent.has(bidId)),
    unreplayable,
  };
}
