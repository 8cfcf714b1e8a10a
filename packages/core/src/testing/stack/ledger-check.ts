import { expect } from 'vitest';
import { replayCommands } from '../../engine/replay.js';
import type { AuctionState } from '../../engine/types.js';
import type { AuctionStore, LedgerEntry } from '../../ports/auction-store.js';
import { createReferenceModel, type ReferenceCommand } from '../reference-model.js';

const PAGE = 1_000;

async function wholeLedger(store: AuctionStore, auctionId: string): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (;;) {
    const page = await store.getLedger(auctionId, { afterSeq: entries.length, limit: PAGE });
    entries.push(...page);
    if (page.length < PAGE) return entries;
  }
}

/** The reference model's judgement of a ledger matches every entry's price and leader, and the state. */
function expectRulesKept(state: AuctionState, ledger: readonly LedgerEntry[]): void {
  const [created, ...changes] = ledger;
  if (created?.command.type !== 'create')
    throw new Error(`The ledger of ${state.spec.id} does not begin with its create.`);
  const model = createReferenceModel(created.command.spec, created.command.receivedAt);
  for (const entry of changes) {
    const verdict = model.apply(entry.command as ReferenceCommand);
    expect({ seq: entry.seq, status: verdict.status, changed: verdict.changed }).toEqual({
      seq: entry.seq,
      status: 'accepted',
      changed: true,
    });
    expect({ price: verdict.view.price, leaderId: verdict.view.leaderId }).toEqual({
      price: entry.price,
      leaderId: entry.leaderId,
    });
  }
  const view = model.view();
  expect({ status: view.status, price: view.price, leaderId: view.leaderId, result: view.result }).toEqual({
    status: state.status,
    price: state.price,
    leaderId: state.leaderId,
    result: state.result,
  });
}

/**
 * The invariants of a run, read from the store of record: per auction one history (seqs 1..n),
 * the stored state is the replay of its ledger, every change is one the reference model accepts
 * at the price and leader it recorded (so a closed auction has the one winner the rules give),
 * no bidId is twice in the ledgers, and every bid answered accepted is in them. Answers the
 * number of ledger bids.
 */
export async function expectLedgersConsistent(
  store: AuctionStore,
  auctionIds: readonly string[],
  acceptedBidIds: readonly string[],
): Promise<number> {
  const inLedger = new Set<string>();
  const states = await store.getMany(auctionIds);
  for (const [i, auctionId] of auctionIds.entries()) {
    const state = states[i];
    if (state == null) throw new Error(`Auction ${auctionId} is not in the store.`);
    const ledger = await wholeLedger(store, auctionId);
    expect(ledger.map((entry) => entry.seq)).toEqual(Array.from({ length: ledger.length }, (_, k) => k + 1));
    expect(replayCommands(ledger.map((entry) => entry.command))).toEqual(state);
    expectRulesKept(state, ledger);
    for (const { command } of ledger) {
      if (command.type !== 'bid' && command.type !== 'buy-now') continue;
      expect(inLedger.has(command.bidId), `bidId ${command.bidId} twice in the ledgers`).toBe(false);
      inLedger.add(command.bidId);
    }
  }
  const missing = acceptedBidIds.filter((bidId) => !inLedger.has(bidId));
  expect(missing, 'bids answered accepted but not in the ledger').toEqual([]);
  return inLedger.size;
}
