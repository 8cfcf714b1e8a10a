import type { LedgerEntry } from '@outcry/core';
import type { AuctionStore } from '@outcry/core/adapter-kit';
import { type AuctionState, replayCommands } from '@outcry/core/engine';

/** Ledger entries read per round trip while replaying. */
const PAGE = 1_000;

/**
 * Rebuilds an auction from its ledger alone with core's `replayCommands`: the result equals the
 * stored state when the ledger is whole. Null when the auction has no ledger. Works on any store.
 */
export async function replayAuction(store: AuctionStore, auctionId: string): Promise<AuctionState | null> {
  const entries: LedgerEntry[] = [];
  for (let afterSeq = 0; ; ) {
    const page = await store.getLedger(auctionId, { afterSeq, limit: PAGE });
    entries.push(...page);
    const last = page.at(-1);
    if (last === undefined || page.length < PAGE) break;
    afterSeq = last.seq;
  }
  return replayCommands(entries.map((entry) => entry.command));
}
