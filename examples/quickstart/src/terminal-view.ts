import type { AnsiStyle } from './ansi-style.js';
import { fitToWidth } from './ansi-style.js';
import { type AuctionFrame, type AuctionView, formatClock } from './auction-view.js';
import { formatMoney } from './format-money.js';
import type { Happening, HappeningKind } from './happening.js';

const LOG_LINES = 10;
const BAR_WIDTH = 24;
const ESC = '\u001b[';

/** Options of the terminal view. */
export interface TerminalViewOptions {
  readonly output: NodeJS.WritableStream & { columns?: number };
  readonly style: AnsiStyle;
  /** Shown in the header, so that a run's bots can be replayed. */
  readonly seed: number;
  readonly botCount: number;
  /** How long the soft-close banner stays up after an extension. */
  readonly bannerMs: number;
}

/**
 * The live view: one block of lines redrawn in place a few times per second. It moves the
 * cursor up by the block's height and rewrites every line, so the block keeps a fixed height
 * and no line may wrap (lines are cut to the terminal's width).
 */
export class TerminalView implements AuctionView {
  readonly #options: TerminalViewOptions;
  readonly #log: Happening[] = [];
  #drawnLines = 0;
  #banner: { text: string; until: number } | null = null;

  constructor(options: TerminalViewOptions) {
    this.#options = options;
  }

  happen(happening: Happening): void {
    this.#log.push(happening);
    if (this.#log.length > LOG_LINES) this.#log.shift();
    if (happening.kind === 'extended')
      this.#banner = { text: happening.text, until: Date.now() + this.#options.bannerMs };
  }

  render(frame: AuctionFrame): void {
    this.#draw(this.#lines(frame));
  }

  finish(frame: AuctionFrame, summary: readonly string[]): void {
    this.#banner = null;
    const { style } = this.#options;
    const [headline = '', ...details] = summary;
    const result =
      frame.auction.result?.outcome === 'sold' || frame.auction.result?.outcome === 'bought-now'
        ? style.green
        : style.yellow;
    this.#draw([
      ...this.#lines(frame),
      '',
      `  ${style.bold(result(headline))}`,
      ...details.map((line) => `  ${line}`),
      '',
    ]);
    this.#options.output.write(`${ESC}?25h`);
  }

  #draw(lines: readonly string[]): void {
    // A pseudo-terminal without a size reports 0 columns.
    const columns = this.#options.output.columns;
    const width = columns === undefined || columns < 20 ? 79 : columns - 1;
    let text = this.#drawnLines === 0 ? `${ESC}?25l` : `${ESC}${this.#drawnLines}A\r`;
    for (const line of lines) text += `${fitToWidth(line, width)}${ESC}K\n`;
    text += `${ESC}J`;
    this.#options.output.write(text);
    this.#drawnLines = lines.length;
  }

  #lines(frame: AuctionFrame): string[] {
    const { style } = this.#options;
    const { auction, timing, now } = frame;
    const money = (amount: number): string => formatMoney(amount, auction.currency);
    const open = auction.status === 'open';
    const timeLeft = Math.max(0, auction.endsAt - now);
    const inWindow = open && timeLeft <= timing.softCloseWindowMs;

    const total = Math.max(1, auction.endsAt - auction.startsAt);
    const filled = open ? Math.round(BAR_WIDTH * Math.min(1, (now - auction.startsAt) / total)) : BAR_WIDTH;
    const bar = '█'.repeat(filled) + '░'.repeat(BAR_WIDTH - filled);
    const countdown = open
      ? inWindow
        ? style.red(style.bold(`${formatClock(timeLeft)}  [${bar}]  SOFT-CLOSE WINDOW`))
        : `${style.bold(formatClock(timeLeft))}  [${bar}]`
      : style.dim(`${auction.status}  [${bar}]`);

    const reserve = !auction.hasReserve
      ? 'none'
      : auction.reserveMet
        ? style.green('met')
        : style.yellow('hidden, not met yet');
    const leader = auction.leaderId === null ? style.dim('nobody yet') : style.cyan(auction.leaderId);
    const nextBid = auction.minimumBid === null ? style.dim('-'.padEnd(12)) : money(auction.minimumBid).padEnd(12);
    const softClose = `a bid in the last ${timing.softCloseWindowMs / 1_000} s extends to ${timing.softCloseExtendMs / 1_000} s`;

    const banner =
      this.#banner !== null && this.#banner.until > Date.now() ? style.alarm(` >>> ${this.#banner.text} <<< `) : '';

    const log = this.#log.map((h) => `  ${style.dim(formatClock(h.atMs))}  ${this.#colour(h.kind)(h.text)}`);
    while (log.length < LOG_LINES) log.push('');

    return [
      `${style.bold(style.magenta(' OUTCRY '))} live auction, in memory, ${this.#options.botCount} bots   ${style.dim(`seed ${this.#options.seed}`)}`,
      `  ${style.bold(auction.title)}  ${style.dim(`sold by ${auction.sellerId}, ${auction.currency}`)}`,
      '',
      `  Price       ${style.bold(style.green(money(auction.price).padEnd(12)))}  Leader      ${leader}`,
      `  Next bid    ${nextBid}  Reserve     ${reserve}`,
      `  Time left   ${countdown}`,
      `  Bids        ${String(auction.bidCount).padEnd(12)}  Extensions  ${auction.extensions} / ${timing.maxExtensions}   Rejected  ${frame.rejections}`,
      `  ${style.dim(`Soft close: ${softClose}, at most ${timing.maxExtensions} times.`)}`,
      banner === '' ? '' : `  ${banner}`,
      style.dim(`  -- what happened ${'-'.repeat(46)}`),
      ...log,
      style.dim(open ? '  Ctrl-C stops the house cleanly.' : ''),
    ];
  }

  #colour(kind: HappeningKind): (text: string) => string {
    const { style } = this.#options;
    switch (kind) {
      case 'bid':
        return style.green;
      case 'outbid':
        return style.cyan;
      case 'rejected':
        return style.red;
      case 'extended':
        return (text) => style.bold(style.yellow(text));
      case 'closed':
        return style.bold;
      default:
        return (text) => text;
    }
  }
}
