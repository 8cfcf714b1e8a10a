/**
 * The scale-out suite's proof that nothing was lost or doubled: every bid a caller was told was
 * accepted must be in its auction's ledger exactly once, read back from the store after the
 * point. A figure measured while bids were lost would be worthless, so a failed check fails the
 * suite.
 */
import type { AuctionStore } from '@outcry/core/adapter-kit';

/** What the ledgers held against what the callers were told. */
export interface LedgerCheck {
  /** Bids answered accepted. */
  readonly accepted: number;
  /** Bid entries in the ledgers of the auctions read. */
  readonly inLedgers: number;
  /** Accepted bids not in their auction's ledger. */
  readonly missing: number;
  /** bidIds in the ledgers more than once, or answered accepted more than once. */
  readonly doubled: number;
  /** Bids in a ledger that no caller was told were accepted (their callers got an error, or a bug). */
  readonly unanswered: number;
  /** A few of the problems, for the message. */
  readonly examples: readonly string[];
}

/** `<auctionId>\t<bidId>` per accepted bid, as the children and the HTTP client write them. */
export type AcceptedBid = readonly [auctionId: string, bidId: string];

/** Parses the lines of an accepted-bids file. */
export function parseAccepted(text: string): AcceptedBid[] {
  const bids: AcceptedBid[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    bids.push([line.slice(0, tab), line.slice(tab + 1)]);
  }
  return bids;
}

async function bidIdsOf(store: AuctionStore, auctionId: string): Promise<string[]> {
  const ids: string[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = await store.getBids(auctionId, { afterSeq, limit: 1_000 });
    for (const entry of page) {
      const { command } = entry;
      if (command.type === 'bid' || command.type === 'buy-now') ids.push(command.bidId);
    }
    const last = page.at(-1);
    if (page.length < 1_000 || last === undefined) return ids;
    afterSeq = last.seq;
  }
}

/** Reads every auction's bids (500 auctions at a time) and compares them with `accepted`. */
export async function checkLedgers(
  store: AuctionStore,
  auctionIds: readonly string[],
  accepted: readonly AcceptedBid[],
): Promise<LedgerCheck> {
  const ledger = new Map<string, number>();
  const examples: string[] = [];
  const note = (text: string) => {
    if (examples.length < 5) examples.push(text);
  };
  let inLedgers = 0;
  let doubled = 0;
  for (let from = 0; from < auctionIds.length; from += 500) {
    const slice = auctionIds.slice(from, from + 500);
    const read = await Promise.all(slice.map((id) => bidIdsOf(store, id)));
    for (const [i, ids] of read.entries()) {
      for (const bidId of ids) {
        inLedgers++;
        const key = `${slice[i]}\t${bidId}`;
        const seen = ledger.get(key) ?? 0;
        if (seen === 1) {
          doubled++;
          note(`bid ${bidId} twice in the ledger of ${slice[i]}`);
        }
        ledger.set(key, seen + 1);
      }
    }
  }
  let missing = 0;
  const answered = new Set<string>();
  for (const [auctionId, bidId] of accepted) {
    const key = `${auctionId}\t${bidId}`;
    if (answered.has(key)) {
      doubled++;
      note(`bid ${bidId} answered accepted twice`);
      continue;
    }
    answered.add(key);
    if (!ledger.has(key)) {
      missing++;
      note(`accepted bid ${bidId} not in the ledger of ${auctionId}`);
    }
  }
  let unanswered = 0;
  for (const key of ledger.keys()) if (!answered.has(key)) unanswered++;
  return { accepted: accepted.length, inLedgers, missing, doubled, unanswered, examples };
}

/** Throws, naming the problems, unless every accepted bid is in its ledger once and nothing else is there beyond `errors` unanswered calls. */
export function assertLedgersHold(check: LedgerCheck, errors: number, what: string): void {
  const problems: string[] = [];
  if (check.missing > 0) problems.push(`${check.missing} accepted bids missing`);
  if (check.doubled > 0) problems.push(`${check.doubled} bids doubled`);
  if (check.unanswered > errors)
    problems.push(
      `${check.unanswered} bids in the ledgers that no caller was told were accepted (${errors} calls failed)`,
    );
  if (check.accepted === 0) problems.push('no bid was accepted');
  if (problems.length > 0)
    throw new Error(`LEDGER CHECK FAILED (${what}): ${problems.join('; ')}. ${check.examples.join('; ')}`);
}
