import type { AuctionStats, PublicAuction } from '@outcry/core';
import { formatMoney } from './format-money.js';

/** The result line: how the auction ended, in one sentence. Always starts with `RESULT:`. */
export function describeResult(auction: PublicAuction): string {
  const money = (amount: number | null): string => formatMoney(amount ?? auction.price, auction.currency);
  const result = auction.result;
  if (result === null) return `RESULT: interrupted, the auction is still ${auction.status} at ${money(auction.price)}`;
  switch (result.outcome) {
    case 'sold':
      return `RESULT: SOLD to ${result.winnerId} for ${money(result.price)}`;
    case 'bought-now':
      return `RESULT: BOUGHT NOW by ${result.winnerId} for ${money(result.price)}`;
    case 'reserve-not-met':
      return `RESULT: RESERVE NOT MET, not sold (highest bid ${money(result.price)} by ${auction.leaderId ?? 'nobody'})`;
    case 'unsold':
      return 'RESULT: UNSOLD, nobody bid';
    case 'cancelled':
      return 'RESULT: CANCELLED';
  }
}

/** A few figures from `house.getStats`, one per line. */
export function describeStats(stats: AuctionStats, currency: string, rejections: number): string[] {
  const pct = stats.priceIncreasePct === null ? '' : ` (+${stats.priceIncreasePct}%)`;
  return [
    `Bids accepted:   ${stats.bidCount} from ${stats.uniqueBidders} ${stats.uniqueBidders === 1 ? 'bidder' : 'bidders'}, ${rejections} rejected`,
    `Price:           ${formatMoney(stats.startingPrice, currency)} -> ${formatMoney(stats.price, currency)}, up ${formatMoney(stats.priceIncrease, currency)}${pct}`,
    `Extensions:      ${stats.extensions} (soft close)`,
  ];
}
