import { type AuctionFrame, type AuctionView, formatClock } from './auction-view.js';
import { formatMoney } from './format-money.js';
import type { Happening } from './happening.js';

const LABELS: Record<Happening['kind'], string> = {
  opened: 'OPEN',
  bid: 'BID',
  outbid: 'OUTBID',
  rejected: 'REJECTED',
  extended: 'EXTENDED',
  closed: 'CLOSED',
  note: 'NOTE',
};

/**
 * The view for pipes, files and CI: one plain line per happening, a status line now and then,
 * no escapes, nothing redrawn.
 */
export class PlainLogView implements AuctionView {
  readonly #output: NodeJS.WritableStream;
  #nextStatusAt = 0;

  constructor(output: NodeJS.WritableStream) {
    this.#output = output;
  }

  happen(happening: Happening): void {
    const label = LABELS[happening.kind];
    const marker = happening.kind === 'extended' ? ' !!' : '';
    this.#output.write(`[${formatClock(happening.atMs)}] ${label.padEnd(9)}${happening.text}${marker}\n`);
  }

  render(frame: AuctionFrame): void {
    if (frame.now < this.#nextStatusAt) return;
    this.#nextStatusAt = frame.now + frame.timing.statusEveryMs;
    this.#output.write(`${this.#status(frame)}\n`);
  }

  finish(frame: AuctionFrame, summary: readonly string[]): void {
    this.#output.write(`${this.#status(frame)}\n`);
    for (const line of summary) this.#output.write(`${line}\n`);
  }

  #status(frame: AuctionFrame): string {
    const { auction } = frame;
    const money = (amount: number): string => formatMoney(amount, auction.currency);
    const elapsed = formatClock(frame.now - auction.startsAt);
    const left = auction.status === 'open' ? `${formatClock(auction.endsAt - frame.now)} left` : auction.status;
    const next = auction.minimumBid === null ? '' : `, next bid ${money(auction.minimumBid)}`;
    const reserve = auction.hasReserve ? (auction.reserveMet ? 'reserve met' : 'reserve not met') : 'no reserve';
    return (
      `[${elapsed}] STATUS   ${money(auction.price)} by ${auction.leaderId ?? 'nobody'}${next}, ${left}, ` +
      `${reserve}, ${auction.bidCount} bids, ${auction.extensions} extensions`
    );
  }
}
