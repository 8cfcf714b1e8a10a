import type { AuctionEvent, BidRejected, Money } from '@outcry/core';
import { formatMoney } from './format-money.js';

/** What kind of thing happened; views colour by it. */
export type HappeningKind = 'opened' | 'bid' | 'outbid' | 'rejected' | 'extended' | 'closed' | 'note';

/** One line of the auction's story, as the views show it. */
export interface Happening {
  /** Milliseconds since the auction opened. */
  readonly atMs: number;
  readonly kind: HappeningKind;
  readonly text: string;
}

function seconds(ms: number): string {
  return `${(ms / 1_000).toFixed(1)} s`;
}

/**
 * The happening an event of the house tells, or null for events the quickstart does not show
 * (rejections are told from the bidder's outcome instead, which carries the minimum bid).
 */
export function happeningFromEvent(event: AuctionEvent, currency: string, openedAt: number): Happening | null {
  const atMs = Math.max(0, event.at - openedAt);
  const money = (amount: Money): string => formatMoney(amount, currency);
  switch (event.type) {
    case 'auction.opened':
      return { atMs, kind: 'opened', text: 'Auction opened' };
    case 'bid.accepted': {
      const text =
        event.leaderId === event.bidderId
          ? `${event.bidderId} bid: leads at ${money(event.price)}`
          : `${event.bidderId} bid: ${event.leaderId ?? 'nobody'} still leads by proxy, ${money(event.price)}`;
      return { atMs, kind: 'bid', text };
    }
    case 'bidder.outbid':
      return {
        atMs,
        kind: 'outbid',
        text: `${event.bidderId} was outbid by ${event.leaderId} (${money(event.price)})`,
      };
    case 'auction.extended':
      return {
        atMs,
        kind: 'extended',
        text: `SOFT CLOSE! Late bid extended the auction: ends in ${seconds(event.endsAt - event.at)} (extension ${event.extensions})`,
      };
    case 'auction.closed':
      return { atMs, kind: 'closed', text: `Auction closed: ${event.result.outcome}` };
    case 'auction.cancelled':
      return { atMs, kind: 'closed', text: `Auction cancelled by ${event.by}` };
    default:
      return null;
  }
}

/** The happening a rejected bid tells: who, how much, the stable code and what would have done. */
export function happeningFromRejection(
  bidderId: string,
  amount: Money,
  outcome: BidRejected,
  currency: string,
  atMs: number,
): Happening {
  const minimum = outcome.minimumBid === undefined ? '' : `, minimum ${formatMoney(outcome.minimumBid, currency)}`;
  return {
    atMs,
    kind: 'rejected',
    text: `${bidderId} bid ${formatMoney(amount, currency)}: rejected ${outcome.code}${minimum}`,
  };
}
