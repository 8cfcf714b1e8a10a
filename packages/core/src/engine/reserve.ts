import type { AuctionSpec, Money } from './types.js';

/** True when the auction has no reserve or the leader's maximum reaches it. */
export function isReserveMet(spec: AuctionSpec, leaderMax: Money, hasLeader: boolean): boolean {
  if (spec.reservePrice === null) return true;
  return hasLeader && leaderMax >= spec.reservePrice;
}

/** Once the leader's maximum reaches the hidden reserve, the price rises to at least the reserve. */
export function applyReserve(spec: AuctionSpec, price: Money, leaderMax: Money): Money {
  const reserve = spec.reservePrice;
  if (reserve === null || leaderMax < reserve || price >= reserve) return price;
  return reserve;
}
