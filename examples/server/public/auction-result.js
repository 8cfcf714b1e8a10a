// How an auction that has ended reads: one sentence for the room, a word or two for the list.

import { formatMoney } from './money.js';

/** True once nothing more can happen to the auction: closed or cancelled. */
export function isEnded(auction) {
  return auction.status === 'closed' || auction.status === 'cancelled';
}

/** "Sold to bob for $31.00", "Not sold (reserve not met)", "No bids", ...; `viewerId` reads as "you". */
export function resultSentence(auction, viewerId) {
  const result = auction.result;
  if (auction.status === 'cancelled' || result?.outcome === 'cancelled') return 'Cancelled';
  if (!result) return 'Ended';
  const who = result.winnerId !== null && result.winnerId === viewerId ? 'you' : result.winnerId;
  switch (result.outcome) {
    case 'sold':
      return `Sold to ${who} for ${formatMoney(result.price, auction.currency)}`;
    case 'bought-now':
      return `Bought now by ${who} for ${formatMoney(result.price, auction.currency)}`;
    case 'reserve-not-met':
      return 'Not sold (reserve not met)';
    case 'unsold':
      return 'No bids';
    default:
      return 'Ended';
  }
}

/** The result in a word or two: "Sold", "Bought now", "Not sold", "No bids", "Cancelled". */
export function resultWord(auction) {
  if (auction.status === 'cancelled') return 'Cancelled';
  switch (auction.result?.outcome) {
    case 'sold':
      return 'Sold';
    case 'bought-now':
      return 'Bought now';
    case 'reserve-not-met':
      return 'Not sold';
    case 'unsold':
      return 'No bids';
    case 'cancelled':
      return 'Cancelled';
    default:
      return 'Ended';
  }
}

/** True when `viewerId` won the auction (sold to them, or they bought it now). */
export function isWinner(auction, viewerId) {
  return Boolean(viewerId) && isEnded(auction) && auction.result?.winnerId === viewerId;
}
