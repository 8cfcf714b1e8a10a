/** What a hand-written backend keeps per auction to judge proxy bids. */
export interface ProxyAuctionRow {
  readonly price: number;
  readonly leaderId: string | null;
  /** The leader's maximum (their proxy bid). */
  readonly leaderMax: number;
}

/** The verdict and the row after it. */
export interface ProxyVerdict extends ProxyAuctionRow {
  readonly accepted: boolean;
  /** What the next bid of someone other than the leader must reach. */
  readonly minimumBid: number;
}

/**
 * The proxy-bidding rule with a fixed increment, as a typical backend writes it by hand (and as
 * core's reference model states it): the first bid leads at the starting price; a bid must reach
 * price + increment; above the leader's maximum it takes the lead at min(amount, max + increment);
 * otherwise the leader stays and the price rises to min(max, amount + increment). The leader may
 * only raise their own maximum. Judging one bid needs only this row: it is what the baseline
 * reads with SELECT … FOR UPDATE.
 */
export function judgeProxyBid(row: ProxyAuctionRow, bidderId: string, amount: number, increment: number): ProxyVerdict {
  const minimum = row.leaderId === null ? row.price : row.price + increment;
  const reject = (): ProxyVerdict => ({ ...row, accepted: false, minimumBid: minimum });
  if (row.leaderId === null) {
    if (amount < row.price) return reject();
    return {
      price: row.price,
      leaderId: bidderId,
      leaderMax: amount,
      accepted: true,
      minimumBid: row.price + increment,
    };
  }
  if (row.leaderId === bidderId) {
    if (amount <= row.leaderMax) return reject();
    return { ...row, leaderMax: amount, accepted: true, minimumBid: minimum };
  }
  if (amount < minimum) return reject();
  if (amount > row.leaderMax) {
    const price = Math.min(amount, row.leaderMax + increment);
    return { price, leaderId: bidderId, leaderMax: amount, accepted: true, minimumBid: price + increment };
  }
  const price = Math.min(row.leaderMax, amount + increment);
  return { price, leaderId: row.leaderId, leaderMax: row.leaderMax, accepted: true, minimumBid: price + increment };
}
