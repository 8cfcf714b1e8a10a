/** What a hand-written backend keeps per auction to judge proxy bids. */
export interface ProxyAuctionRow {
  readonly price: number;
  readonly leaderId: string | null;
  /** The leader's maximum (their proxy bid). */
  readonly leaderMax: number;
  /** The best maximum of any other bidder, null with fewer than two bidders. */
  readonly runnerUpMax: number | null;
}

/** The verdict and the row after it. */
export interface ProxyVerdict extends ProxyAuctionRow {
  readonly accepted: boolean;
  /** What the next bid of someone other than the leader must reach. */
  readonly minimumBid: number;
}

/**
 * The proxy-bidding rule with a fixed increment, as a typical backend writes it by hand: the
 * first bid leads at the starting price; a bid must reach price + increment (the leader: above
 * its own maximum); the price is then min(leader's max, runner-up's max + increment). Judging one
 * bid needs only this row: it is what the baseline reads with SELECT … FOR UPDATE.
 */
export function judgeProxyBid(row: ProxyAuctionRow, bidderId: string, amount: number, increment: number): ProxyVerdict {
  const minimum = row.leaderId === null ? row.price : row.price + increment;
  const reject = (): ProxyVerdict => ({ ...row, accepted: false, minimumBid: minimum });
  const accept = (leaderId: string, leaderMax: number, runnerUpMax: number | null): ProxyVerdict => {
    const price = runnerUpMax === null ? row.price : Math.min(leaderMax, runnerUpMax + increment);
    return { price, leaderId, leaderMax, runnerUpMax, accepted: true, minimumBid: price + increment };
  };
  if (row.leaderId === null) return amount < row.price ? reject() : accept(bidderId, amount, null);
  if (row.leaderId === bidderId) return amount <= row.leaderMax ? reject() : accept(bidderId, amount, row.runnerUpMax);
  if (amount < minimum) return reject();
  if (amount > row.leaderMax) return accept(bidderId, amount, row.leaderMax);
  return accept(row.leaderId, row.leaderMax, Math.max(amount, row.runnerUpMax ?? 0));
}
